package dev.mp4j.examples;

import dev.mp4j.examples.manager.ManagerDictList;
import dev.mp4j.examples.manager.ManagerDictMixed;
import dev.mp4j.examples.manager.ManagerDistributed;
import dev.mp4j.examples.manager.ManagerList;
import dev.mp4j.examples.pipe.AdderServer;
import dev.mp4j.examples.pipe.PipeBetweenChildren;
import dev.mp4j.examples.pipe.PipeChat;
import dev.mp4j.examples.pipe.PipeGreeting;
import dev.mp4j.examples.pipe.ProducerConsumer;
import dev.mp4j.examples.pool.ApplyAsyncGet;
import dev.mp4j.examples.pool.ApplyAsyncResults;
import dev.mp4j.examples.pool.ApplyResults;
import dev.mp4j.examples.pool.CloseJoin;
import dev.mp4j.examples.pool.CollectResults;
import dev.mp4j.examples.pool.Crawler;
import dev.mp4j.examples.pool.EchoProcessPerClient;
import dev.mp4j.examples.pool.FortyTasks;
import dev.mp4j.examples.pool.LongTimeTask;
import dev.mp4j.examples.pool.PageCallback;
import dev.mp4j.examples.pool.PoolEchoServer;
import dev.mp4j.examples.pool.SixFunctions;
import dev.mp4j.examples.process.Daemon;
import dev.mp4j.examples.process.ForkLike;
import dev.mp4j.examples.process.FunctionNoJoin;
import dev.mp4j.examples.process.NamePid;
import dev.mp4j.examples.process.RunProc;
import dev.mp4j.examples.process.SharedFile;
import dev.mp4j.examples.process.SharedTerminal;
import dev.mp4j.examples.process.DaemonJoinTimeout;
import dev.mp4j.examples.process.FunctionStyle;
import dev.mp4j.examples.process.JoinLongest;
import dev.mp4j.examples.process.Pids;
import dev.mp4j.examples.process.SubclassNoJoin;
import dev.mp4j.examples.process.SubclassStyle;
import dev.mp4j.examples.process.TerminateIsAlive;
import dev.mp4j.examples.queue.ConsumerNeverEnds;
import dev.mp4j.examples.queue.EndlessProducer;
import dev.mp4j.examples.queue.JoinableConsumer;
import dev.mp4j.examples.queue.JoinableConsumers;
import dev.mp4j.examples.queue.JoinableProducerProcess;
import dev.mp4j.examples.queue.NoneEndMarker;
import dev.mp4j.examples.queue.NoneEndMarkers;
import dev.mp4j.examples.queue.QueueFullEmpty;
import dev.mp4j.examples.queue.QueuePutGet;
import dev.mp4j.examples.queue.TicketBooth;
import dev.mp4j.examples.queue.WriteRead;
import dev.mp4j.examples.shared.SharedBalance;
import dev.mp4j.examples.sync.LockPrint;
import dev.mp4j.examples.sync.SemaphoreWc;
import dev.mp4j.examples.sync.TicketBuying;
import dev.mp4j.examples.sync.TrafficLight;
import dev.mp4j.examples.thread.BusyLoops;
import dev.mp4j.examples.thread.CoroutineProducerConsumer;
import dev.mp4j.examples.thread.GeventFetch;
import dev.mp4j.examples.thread.LoopThread;
import dev.mp4j.examples.thread.ThreadLocals;
import java.util.List;
import java.util.Optional;

/** Every ported seed program, in the order {@code ./mp4j demo} runs them. */
public final class Demos {
    private static final List<Demo> ALL = List.of(
            demo("process-function", "Three processes, function style (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 14", FunctionStyle::main),
            demo("process-subclass", "Three processes of a Process subclass (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 18", SubclassStyle::main),
            demo("process-function-no-join", "Four processes of a function, not joined (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 239-259", FunctionNoJoin::main),
            demo("process-subclass-no-join", "Four named subclass processes, not joined (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 260-285", SubclassNoJoin::main),
            demo("process-name-pid", "A process's name, set after super(), and its pid (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 426-448", NamePid::main),
            demo("process-shared-terminal", "Twenty Logger processes print their names to one terminal (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 451-463, twenty processes for a million", SharedTerminal::main),
            demo("process-shared-file", "Five processes write to one file (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 469-481", SharedFile::main),
            demo("process-fork", "os.fork(): the parent and the child print their pids (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 37-48", ForkLike::main),
            demo("process-run-proc", "A child process started and joined (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 56-69", RunProc::main),
            demo("process-pids", "PIDs and parent PIDs (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 12-35", Pids::main),
            demo("process-daemon", "Daemon processes die with the main process (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 37-63", Daemon::main),
            demo("process-daemon-join-timeout", "A daemon process and join with a timeout (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 360-379", DaemonJoinTimeout::main),
            demo("process-terminate", "terminate() and is_alive() (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 333-356", TerminateIsAlive::main),
            demo("process-join", "Four joins take as long as the longest process (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 380-423", JoinLongest::main),
            demo("pipe-chat", "A request and a reply over a Pipe (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 28", PipeChat::main),
            demo("pipe-greeting", "Parent and child greet each other through a Pipe (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 109-128", PipeGreeting::main),
            demo("pipe-between-children", "Two children talk through one Pipe (seed 001)",
                    "seeds/001_25fc41195140cc7a.txt, lines 21-41", PipeBetweenChildren::main),
            demo("pipe-producer-consumer", "Producer and consumer on a Pipe, ended by EOF (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 751-790", ProducerConsumer::main),
            demo("pipe-adder", "An adder server on a duplex Pipe (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 792-824", AdderServer::main),
            demo("lock-ticket", "A hundred processes, one ticket in a file, a Lock (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 877-913", TicketBuying::main),
            demo("semaphore-wc", "Thirteen processes, five places, a Semaphore (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 914-939", SemaphoreWc::main),
            demo("event-traffic-light", "A traffic light Event; police cars leave on red after a second (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 940-996", TrafficLight::main),
            demo("lock-print", "Ten processes take turns at the screen with a Lock (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 65-84", LockPrint::main),
            demo("value-balance", "A balance changed under a lock, in a shared Value (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 174-196", SharedBalance::main),
            demo("queue-put-get", "Three children put into a Queue, the main process gets (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 24", QueuePutGet::main),
            demo("queue-full-empty", "A Queue of three, filled and emptied: full() and empty() (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 516-535", QueueFullEmpty::main),
            demo("queue-consumer-never-ends", "Producer and consumer on a Queue; the consumer waits for ever (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 549-575", ConsumerNeverEnds::main),
            demo("queue-none-end-marker", "Producer and consumer on a Queue, ended by None (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 576-605", NoneEndMarker::main),
            demo("queue-none-end-markers", "Three consumers, ended by one None each; extends seed 002's (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 576-605, extended to three consumers", NoneEndMarkers::main),
            demo("joinable-queue-consumer", "A JoinableQueue, a daemon consumer, a producer that joins (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 607-647", JoinableConsumer::main),
            demo("joinable-queue-consumers", "A JoinableQueue and three daemon consumers (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 648-681", JoinableConsumers::main),
            demo("joinable-queue-producer-process", "A producer process and three daemon consumers (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 683-721", JoinableProducerProcess::main),
            demo("queue-ticket-booth", "Five booths pass the ticket count in a Queue, under a Lock (seed 001)",
                    "seeds/001_25fc41195140cc7a.txt, lines 43-77", TicketBooth::main),
            demo("queue-write-read", "A writer and a reader that stops at an empty Queue (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 113-147", WriteRead::main),
            demo("queue-endless-producer", "A child greets through a Queue every half second, bounded here (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 86-107", EndlessProducer::main),
            demo("manager-list", "Five children append to a list in a Manager (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, lines 30-32", ManagerList::main),
            demo("manager-dict-list", "Ten children put their PIDs in a Manager dict and list (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 846-867", ManagerDictList::main),
            demo("manager-dict-mixed", "Int, str and float keys in a Manager dict, and a list (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 130-158", ManagerDictMixed::main),
            demo("manager-distributed", "A worker reaches a task queue and a result queue over TCP (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 326-410", ManagerDistributed::main),
            demo("pool-close-join", "Twenty tasks on a Pool of four, then close() and join() (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 36", CloseJoin::main),
            demo("pool-forty-tasks", "Forty half-second tasks on a Pool of four (seed 004)",
                    "seeds/004_4881b295d33c90bd.txt, lines 160-218", FortyTasks::main),
            demo("pool-long-time-task", "Five long_time_tasks on a Pool of four; one waits for a free worker (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 71-111", LongTimeTask::main),
            demo("pool-apply-async-get", "apply_async, then close(), join() and get() (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1039-1057", ApplyAsyncGet::main),
            demo("pool-apply-async-results", "Ten apply_async tasks on a Pool of three, results by get() (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1058-1082", ApplyAsyncResults::main),
            demo("pool-apply-results", "Ten blocking apply calls on a Pool of three, one at a time (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1084-1107", ApplyResults::main),
            demo("pool-six-functions", "Six named functions on a Pool of four (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1109-1173", SixFunctions::main),
            demo("echo-process-per-client", "An echo server with a process per client, six clients (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 287-329", EchoProcessPerClient::main),
            demo("pool-echo-server", "An echo server on four pool processes, six clients (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1179-1225", PoolEchoServer::main),
            demo("pool-collect-results", "Results collected after join(), no callback needed (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1229-1250", CollectResults::main),
            demo("pool-callback", "Workers download, a callback in the main process parses (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1252-1323", PageCallback::main),
            demo("thread-loop", "A thread named LoopThread counts to five (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 155-172", LoopThread::main),
            demo("thread-busy-loops", "One busy thread per CPU: Java threads fill every core (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 216-225", BusyLoops::main),
            demo("thread-local", "A ThreadLocal: Alice and Bob each in their own thread (seed 003)",
                    "seeds/003_0f8ee2a5772c3c2c.txt, lines 245-263", ThreadLocals::main),
            demo("coroutine-producer-consumer", "A producer hands messages to a consumer, coroutine style (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 45", CoroutineProducerConsumer::main),
            demo("gevent-fetch", "Two slow pages fetched at once by green threads (seed 000)",
                    "seeds/000_e148bfe71916de6d.txt, line 49", GeventFetch::main),
            demo("pool-crawler", "A crawler: workers fetch a page over HTTP, a callback parses it (seed 002)",
                    "seeds/002_263d7d21e73864f4.txt, lines 1324-1366", Crawler::main));

    private Demos() {
    }

    public static List<Demo> all() {
        return ALL;
    }

    public static Optional<Demo> find(String name) {
        return ALL.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** A program's {@code public static void main(String[] args)}, so demos register as {@code Program::main}. */
    @FunctionalInterface
    private interface ProgramMain {
        void main(String[] args) throws Exception;
    }

    private static Demo demo(String name, String title, String source, ProgramMain main) {
        return new Demo(name, title, source, () -> main.main(new String[0]));
    }
}
