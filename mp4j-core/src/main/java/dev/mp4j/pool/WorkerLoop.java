package dev.mp4j.pool;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.serial.SerializedLambdas;
import java.lang.invoke.SerializedLambda;
import dev.mp4j.serial.NotSerializableValueException;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import dev.mp4j.serial.SerializableCallable;
import dev.mp4j.serial.TaskFunction;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a pool worker process runs: its initializer, then jobs read straight from its pipe by the
 * main thread, until the parent closes the pipe. A second, one-way pipe carries cancellations: a
 * watcher thread reads it and interrupts the main thread when the job it names overran its
 * timeout. Before running a job the worker claims it ({@link JobClaims}): one the pool took back
 * for another worker is skipped.
 */
final class WorkerLoop implements ProcessTarget {
    @java.io.Serial
    private static final long serialVersionUID = 1L;

    /** {@code -Dmp4j.trace.startup=true}: a worker also prints where its first job's time went. */
    private static final boolean TRACE = Boolean.getBoolean("mp4j.trace.startup");

    private final Connection jobs;
    private final Connection control;
    /** A job interrupted by the pool before this worker began it (guarded by the current-job lock). */
    private long cancelledAhead = -1;
    /** The job the pool's interrupt reached, as it ran or as it began (guarded by the current-job lock). */
    private long interruptedJob = -1;
    private final ProcessTarget initializer;
    /** The pool's {@link JobClaims} segment, and this worker's slot in it. */
    private final String claimsName;
    private final int slot;

    WorkerLoop(Connection jobs, Connection control, ProcessTarget initializer, String claimsName, int slot) {
        this.jobs = jobs;
        this.control = control;
        this.initializer = initializer;
        this.claimsName = claimsName;
        this.slot = slot;
    }

    @Override
    public void run() throws Exception {
        if (initializer != null) {
            try {
                initializer.run();
            } catch (Exception | Error e) {
                // Tell the pool why, in place of the hello, then fail as any child does (stack
                // trace on stderr, exit code 1): the pool stops rather than retry for ever.
                try {
                    jobs.sendBytes(Codec.done(-1, null, e, 0, 0, 0));
                } catch (IOException | RuntimeException unsent) {
                    // the pool sees the exit instead
                }
                throw e;
            }
        }
        JobClaims claims = JobClaims.attach(claimsName);
        long jobsRead = 0;
        AtomicLong current = new AtomicLong(-1);
        Thread main = Thread.currentThread();
        Thread watcher = new Thread(() -> watch(current, main), "mp4j-pool-cancel");
        watcher.setDaemon(true);
        watcher.start();
        jobs.sendBytes(ByteBuffer.allocate(8).putLong(ProcessHandle.current().pid()).array());
        long hello = System.nanoTime();
        boolean traceFirst = TRACE;
        Functions functions = new Functions();
        while (true) {
            byte[] message;
            long idleSince = System.nanoTime();
            try {
                message = jobs.recvBytes();
            } catch (EOFException parentClosed) {
                // Close our ends too: the parent closed its own first, while we still held ours,
                // so it is the last closer here that finds the pipes unused and unlinks them.
                // The control end is the watcher's to close (it is reading it): the parent closed
                // its side too, so the watcher is about to see the end of it.
                jobs.close();
                watcher.join(CONTROL_CLOSE_WAIT_MILLIS);
                return;
            }
            long arrived = System.nanoTime();
            // Claimed once read, before it is decoded: a job that kills the worker while decoded
            // (too large for its heap) is the job it died of. Not before it is read: a worker that
            // dies waiting for its next job has not started it.
            boolean mine = claims.claim(slot, ++jobsRead);
            Codec.Job job = Codec.readJob(message);
            if (!mine) {
                // Taken back for another worker while this one was busy. Its function is kept,
                // and kept recent, as if the job had run: the pool counts it as sent here. A
                // stop meant for it here is void: it may come back as a new run.
                synchronized (current) {
                    if (cancelledAhead == job.id()) {
                        cancelledAhead = -1;
                    }
                }
                if (job.function() != null) {
                    learn(job, functions);
                } else {
                    functions.get(job.functionId());
                }
                jobs.sendBytes(Codec.skipped(job.id()));
                continue;
            }
            long start = System.nanoTime();
            List<Object> values = null;
            Throwable error = null;
            long decoded = start;
            boolean interruptedByPool;
            synchronized (current) {
                current.set(job.id());
                if (cancelledAhead == job.id()) {
                    // Cancelled (or timed out) before it began here: it starts interrupted.
                    Thread.currentThread().interrupt();
                    interruptedJob = job.id();
                }
            }
            try {
                Object function = job.function() != null ? learn(job, functions) : functions.get(job.functionId());
                if (function == null) {
                    throw new IllegalStateException("the pool sent job " + job.id() + " without its function");
                }
                if (function instanceof Undecodable u) {
                    throw u.error();
                }
                decoded = System.nanoTime();
                values = run(job, function);
            } catch (Throwable t) {
                error = t;
            } finally {
                // Under the watcher's lock: an interrupt meant for this job can no longer land
                // after it (on the wait for the next job, or on the next job itself).
                synchronized (current) {
                    current.set(-1);
                    Thread.interrupted();
                    interruptedByPool = interruptedJob == job.id();
                }
            }
            long end = System.nanoTime();
            // Waiting: idle for this job to come; decoding: from its arrival to the function's call.
            reply(job.id(), values, error, arrived - idleSince, end - decoded, decoded - arrived, interruptedByPool);
            if (traceFirst) {
                traceFirst = false;
                System.err.printf("mp4j pool worker %d first job: arrived %.1f ms after hello, function ready %.1f ms later,"
                                + " ran in %.1f ms, replied %.1f ms later%n", ProcessHandle.current().pid(), (arrived - hello) / 1e6,
                        (decoded - arrived) / 1e6, (end - decoded) / 1e6, (System.nanoTime() - end) / 1e6);
            }
        }
    }

    /**
     * The functions this worker was sent, for the later jobs that name them: the pool's reusable
     * ones (positive ids) by recent use, 64 of them (the parent remembers which it sent, 32 at
     * most, so everything it thinks this worker has, it has), and the one-off it was sent last
     * (a negative id: a map's or a task's own function, which keeps what it captured). One
     * one-off only, as the parent counts (see WorkerSlot): a worker that kept 64 of them kept 64
     * copies of what a loop of maps captured (a model, a large array) and ran out of memory.
     */
    private static final class Functions {
        private final Map<Integer, Object> reusable = new java.util.LinkedHashMap<>(128, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Object> eldest) {
                return size() > 64;
            }
        };
        private int oneOffId;
        private Object oneOff;

        Object get(int id) {
            return id < 0 ? (id == oneOffId ? oneOff : null) : reusable.get(id);
        }

        void put(int id, Object function) {
            if (id < 0) {
                oneOffId = id;
                oneOff = function;
            } else {
                reusable.put(id, function);
            }
        }
    }

    /** Decodes the function a job came with and keeps it for the later jobs that name it. */
    private static Object learn(Codec.Job job, Functions functions) {
        Object function;
        try {
            function = decodeFunction(job.kind(), job.function());
        } catch (Throwable t) {
            // The pool will not send it again (a function's id is kept while it is reused): its
            // later jobs must fail with this error too.
            function = new Undecodable(t);
        }
        functions.put(job.functionId(), function);
        return function;
    }

    /**
     * A function as sent: the hand-written form of a lambda (kept as its shape for lambda calls,
     * whose captured values come with each job), or an object stream.
     */
    static Object decodeFunction(int kind, byte[] bytes) throws IOException, ReflectiveOperationException {
        if (bytes.length > 0 && bytes[0] == SerializedLambdas.HAND_FORM) {
            SerializedLambda lambda = SerializedLambdas.fromHandForm(bytes);
            if (kind == Messages.LAMBDA_CALL) {
                return new LambdaCall(lambda, DirectFunction.staticBody(lambda, "dev/mp4j/serial/SerializableCallable",
                        "call", "()Ljava/lang/Object;"));
            }
            return DirectFunction.of(lambda);
        }
        return SafeSerializer.javaDeserialize(bytes, 1, bytes.length - 1);
    }

    /** A function this worker could not decode, and why. */
    private record Undecodable(Throwable error) {
    }

    /**
     * A lambda call's function: its shape, and its body when that is a static method, which is
     * then called with each call's captured values instead of making a lambda object each time.
     */
    record LambdaCall(SerializedLambda shape, java.lang.reflect.Method body) {
    }

    /**
     * The target of a worker without an initializer: a lambda made here, not in the pool, because
     * a child calls its body by reflection, and looking up a method makes the JVM resolve the
     * signature of every method its class declares: for ProcessPool that loaded dozens of classes
     * a worker never uses, on its way to the first job.
     */
    static ProcessTarget launcher(byte[] jobs, byte[] control, String claimsName, int slot) {
        return () -> launch(jobs, control, claimsName, slot);
    }

    /**
     * A worker without an initializer is started with its pipe ends as bytes (see
     * {@link dev.mp4j.connection.Pipe#reduce}), captured by a lambda whose body calls this: the
     * child then reads no object stream before its first result.
     */
    static void launch(byte[] jobs, byte[] control, String claimsName, int slot) throws Exception {
        openClassPath();
        new WorkerLoop(Pipe.rebuild(jobs), Pipe.rebuild(control), null, claimsName, slot).run();
    }

    /**
     * Opens the class path's jars on a background thread. The first job names a class of the
     * caller's (the function's), which the AOT cache holds only if the training knew of it
     * ({@code Context.prepareStartupCache}): loading it otherwise opens and indexes every jar on
     * the class path in turn, 8-25 ms measured, which would happen on the first job's critical
     * path instead of beside the worker's own start. It looks for a class that no jar has, in a
     * package of no module: a resource lookup would also open the JDK's module image, 4-6 ms more.
     */
    private static void openClassPath() {
        Thread opener = new Thread(() -> {
            try {
                Class.forName("mp4j.classpath.Opener", false, ClassLoader.getSystemClassLoader());
            } catch (ClassNotFoundException expected) {
                // every jar was searched, so every jar is open
            }
        }, "mp4j-class-path");
        opener.setDaemon(true);
        opener.start();
    }

    /** How long a worker leaving at the parent's request waits for its watcher to close the control end. */
    private static final long CONTROL_CLOSE_WAIT_MILLIS = 500;

    private void watch(AtomicLong current, Thread main) {
        try {
            while (true) {
                long id = ByteBuffer.wrap(control.recvBytes()).getLong();
                synchronized (current) {
                    if (current.get() == id) {
                        main.interrupt();
                        interruptedJob = id;
                    } else if (id > current.get()) {
                        // The pool counts a job as running from when it is the oldest sent, which
                        // may be before this worker has begun it: interrupt it when it does.
                        cancelledAhead = id;
                    }
                }
            }
        } catch (IOException closed) {
            // The parent closed the control pipe: nothing more to watch. Closing our end here,
            // in the only thread that reads it, lets the pipe be unlinked.
            control.close();
        }
    }

    @SuppressWarnings("unchecked")
    static List<Object> run(Codec.Job job, Object function) throws Exception {
        if (job.values() instanceof Codec.UnreadableValues bad) {
            throw bad.error();
        }
        return switch (job.kind()) {
            case Messages.CALL -> {
                List<Object> one = new ArrayList<>(1);
                one.add(((SerializableCallable<Object>) function).call());
                yield one;
            }
            case Messages.LAMBDA_CALL -> {
                List<Object> one = new ArrayList<>(1);
                LambdaCall call = (LambdaCall) function;
                one.add(call.body() != null ? DirectFunction.call(call.body(), job.items().toArray())
                        : ((SerializableCallable<Object>) LambdaShape.rebuild(call.shape(), job.items())).call());
                yield one;
            }
            case Messages.MAP -> {
                TaskFunction<Object, Object> f = (TaskFunction<Object, Object>) function;
                // Arrays, not growing lists, and packed ints boxed in the same loop that applies
                // the function: the loop stays a few bytecodes while it is still interpreted.
                Object[] out;
                if (job.values() instanceof int[] in) {
                    out = new Object[in.length];
                    for (int i = 0; i < in.length; i++) {
                        out[i] = f.apply(in[i]);
                    }
                } else if (job.values() instanceof IntRange range) {
                    out = new Object[range.size()];
                    int step = range.step();
                    int v = range.start();
                    for (int i = 0; i < out.length; i++, v += step) {
                        out[i] = f.apply(v);
                    }
                } else {
                    Object[] in = job.items().toArray();
                    out = new Object[in.length];
                    for (int i = 0; i < in.length; i++) {
                        out[i] = f.apply(in[i]);
                    }
                }
                yield java.util.Arrays.asList(out);
            }
            case Messages.STAR -> {
                TaskFunction<Object[], Object> f = (TaskFunction<Object[], Object>) function;
                Object[] in = job.items().toArray();
                Object[] out = new Object[in.length];
                for (int i = 0; i < in.length; i++) {
                    out[i] = f.apply((Object[]) in[i]);
                }
                yield java.util.Arrays.asList(out);
            }
            default -> throw new IllegalStateException("unknown job kind " + job.kind());
        };
    }

    /** Sends the outcome; a result that cannot travel back becomes an error that can. */
    private void reply(long id, List<Object> values, Throwable error, long wait, long work, long decode,
            boolean interruptedByPool) {
        byte[] message;
        try {
            message = Codec.done(id, values, error, wait, work, decode, interruptedByPool);
        } catch (NotSerializableValueException e) {
            message = Codec.done(id, null, new NotSerializableValueException(
                    "the task's result cannot be sent back: " + e.getMessage(), e.offendingClass(), null), wait, work, decode,
                    interruptedByPool);
        } catch (RuntimeException | StackOverflowError e) {
            // Writing the result threw (a custom writeObject, a list changed meanwhile, a structure
            // too deep for the stream): the task fails with why, and the worker lives on.
            message = Codec.done(id, null, new IllegalStateException("the task's result cannot be sent back: writing it threw "
                    + e, e), wait, work, decode, interruptedByPool);
        }
        try {
            try {
                jobs.sendBytes(message);
            } catch (dev.mp4j.connection.MessageTooLargeException tooLarge) {
                // Refused before a byte went: the pipe is in step, so the task fails with why
                // (as a job too large to send does), rather than the worker dying of it.
                jobs.sendBytes(Codec.done(id, null, new dev.mp4j.connection.MessageTooLargeException(
                        tooLarge.size(), tooLarge.limit(), "send the task's result as"), wait, work, decode, interruptedByPool));
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("mp4j pool worker " + ProcessHandle.current().pid() + ": cannot report to the pool: " + e);
            Runtime.getRuntime().halt(70);
        }
    }
}
