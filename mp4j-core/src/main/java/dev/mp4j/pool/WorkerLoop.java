package dev.mp4j.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.SerializableCallable;
import dev.mp4j.serial.TaskFunction;
import java.io.EOFException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a pool worker process runs: its initializer, then jobs from its pipe until the parent
 * closes the pipe. Jobs run on a task thread, so that the main thread can still read a
 * {@code Cancel} and interrupt a job that overran its timeout.
 */
final class WorkerLoop implements ProcessTarget {
    private final Connection conn;
    private final ProcessTarget initializer;

    WorkerLoop(Connection conn, ProcessTarget initializer) {
        this.conn = conn;
        this.initializer = initializer;
    }

    @Override
    public void run() throws Exception {
        if (initializer != null) {
            initializer.run();
        }
        LinkedBlockingQueue<Arrived> jobs = new LinkedBlockingQueue<>();
        AtomicLong current = new AtomicLong(-1);
        Thread executor = new Thread(() -> execute(jobs, current), "mp4j-pool-task");
        executor.setDaemon(true);
        conn.send(new Messages.Ready(ProcessHandle.current().pid()));
        executor.start();
        while (true) {
            Object m;
            try {
                m = conn.recv();
            } catch (EOFException parentClosed) {
                return;
            }
            switch (m) {
                case Messages.Job job -> jobs.put(new Arrived(job, System.nanoTime()));
                case Messages.Cancel cancel -> {
                    if (current.get() == cancel.id()) {
                        executor.interrupt();
                    }
                }
                default -> throw new IllegalStateException("unexpected message from the pool: " + m);
            }
        }
    }

    private record Arrived(Messages.Job job, long at) {
    }

    private void execute(LinkedBlockingQueue<Arrived> jobs, AtomicLong current) {
        byte[] lastBytes = null;
        Object lastFunction = null;
        while (true) {
            Arrived a;
            try {
                a = jobs.take();
            } catch (InterruptedException e) {
                continue;
            }
            Messages.Job job = a.job();
            long start = System.nanoTime();
            current.set(job.id());
            Object value = null;
            Throwable error = null;
            long decoded = start;
            try {
                if (lastBytes == null || !Arrays.equals(lastBytes, job.function())) {
                    lastFunction = SafeSerializer.javaDeserialize(job.function(), 1, job.function().length - 1);
                    lastBytes = job.function();
                }
                decoded = System.nanoTime();
                value = run(job, lastFunction);
            } catch (Throwable t) {
                error = t;
            } finally {
                current.set(-1);
                Thread.interrupted();
            }
            long end = System.nanoTime();
            reply(new Messages.Done(job.id(), value, error, start - a.at(), end - decoded, decoded - start));
        }
    }

    @SuppressWarnings("unchecked")
    private static Object run(Messages.Job job, Object function) throws Exception {
        return switch (job.kind()) {
            case Messages.CALL -> ((SerializableCallable<Object>) function).call();
            case Messages.MAP -> {
                TaskFunction<Object, Object> f = (TaskFunction<Object, Object>) function;
                List<Object> out = new ArrayList<>(job.items().size());
                for (Object item : job.items()) {
                    out.add(f.apply(item));
                }
                yield out;
            }
            case Messages.STAR -> {
                TaskFunction<Object[], Object> f = (TaskFunction<Object[], Object>) function;
                List<Object> out = new ArrayList<>(job.items().size());
                for (Object item : job.items()) {
                    out.add(f.apply((Object[]) item));
                }
                yield out;
            }
            default -> throw new IllegalStateException("unknown job kind " + job.kind());
        };
    }

    /** Sends the outcome; what cannot travel back is replaced by an exception that can. */
    private void reply(Messages.Done done) {
        try {
            conn.send(done);
            return;
        } catch (NotSerializableValueException e) {
            Throwable why = done.error() != null ? remote(done.error()) : new NotSerializableValueException(
                    "the task's result cannot be sent back: " + e.getMessage(), e.offendingClass(), null);
            try {
                conn.send(new Messages.Done(done.id(), null, why, done.waitNanos(), done.workNanos(), done.decodeNanos()));
                return;
            } catch (Exception again) {
                failHard(again);
            }
        } catch (Exception e) {
            failHard(e);
        }
    }

    private static RemoteTaskException remote(Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        return new RemoteTaskException(t.getClass().getName(), t.getMessage(), trace.toString());
    }

    /** The pipe to the parent is broken: nothing sensible is left to do in this worker. */
    private static void failHard(Exception e) {
        System.err.println("mp4j pool worker " + ProcessHandle.current().pid() + ": cannot report to the pool: " + e);
        Runtime.getRuntime().halt(70);
    }
}
