package dev.mp4j.process;

import dev.mp4j.connection.Connection;
import dev.mp4j.connection.Pipe;
import dev.mp4j.serial.ProcessTarget;
import dev.mp4j.serial.SafeSerializer;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JDK 25 ahead-of-time cache ({@code -XX:AOTCache}) for child JVMs: classes loaded and linked
 * once, in a training run, instead of in every child. It makes a cold {@code spawn} start about a
 * third faster.
 *
 * <p>The cache is keyed by everything that would make the JVM reject it (the JDK, the class path
 * with each entry's size and modification time, and the JVM flags), so a stale cache is never
 * used: a new key simply trains again. Training happens once per key, in the background, in a
 * child that runs {@link Training} with {@code -XX:AOTCacheOutput}; children started meanwhile run
 * without the cache. Set {@code -Dmp4j.aot=false} to turn it off.
 */
final class AotCache {
    private static final boolean ENABLED = !"false".equals(System.getProperty("mp4j.aot"));
    /** The JDK only caches classes from jar files: a class path with directories gets no cache. */
    private static final boolean CLASS_PATH_OF_JARS = java.util.Arrays.stream(
            SourceProgram.childClassPath().split(File.pathSeparator)).allMatch(e -> e.endsWith(".jar") && new File(e).isFile());
    private static final Set<String> TRAINING = ConcurrentHashMap.newKeySet();
    private static final int KEPT_CACHES = 6;
    private static final Map<String, Path> READY = new ConcurrentHashMap<>();
    /**
     * Flags that change what a JVM does at run time, not what it loads: a cache serves JVMs with
     * or without them (checked: the JVM maps it and loads the same classes from it). A pool's
     * workers add {@code -XX:+ExitOnOutOfMemoryError}; without this they would need caches of
     * their own, trained on their first use, which {@code Context.prepareStartupCache} of the
     * pool's context would not cover.
     */
    private static final Set<String> NOT_KEYED = Set.of("-XX:+ExitOnOutOfMemoryError");
    /**
     * Classes of the caller's that children run code of (a lambda's class, a process subclass),
     * by name: a training started later loads them too, so that a child finds them in the cache
     * instead of opening the class path's jars for them (8-10 ms in a fresh child). A few suffice:
     * the first children's.
     */
    private static final Set<String> CHILD_CLASSES = ConcurrentHashMap.newKeySet();
    private static final int MAX_CHILD_CLASSES = 32;
    /** Each training started here, by key: done when its JVM ended (with a cache or without). */
    private static final Map<String, java.util.concurrent.CompletableFuture<?>> TRAININGS = new ConcurrentHashMap<>();

    private AotCache() {
    }

    /**
     * Notes a class whose code children run ({@code com/example/Main} or {@code com.example.Main}),
     * for trainings to come. (mp4j's own launchers are among them; loading them again in the
     * training costs nothing.)
     */
    static void noteChildClass(String name) {
        if (notingChildClasses()) {
            CHILD_CLASSES.add(name.replace('/', '.'));
        }
    }

    /** Whether {@link #noteChildClass} would still record a class (so looking one up is worth it). */
    static boolean notingChildClasses() {
        return ENABLED && CHILD_CLASSES.size() < MAX_CHILD_CLASSES;
    }

    /** The classes noted so far (see {@link #noteChildClass}). */
    static Set<String> childClasses() {
        return Set.copyOf(CHILD_CLASSES);
    }

    /** The flag to add for these JVM arguments, or none (and training starts) when there is no cache yet. */
    static List<String> flagsFor(List<String> jvmArguments) {
        return flagsFor(jvmArguments, false);
    }

    /**
     * The same; a {@code light} child (a lambda of the caller's capturing only simple values) gets
     * a cache trained on the core paths only (queues, pipes, locks, object messages), without the
     * pool's and the managers' classes. Every class in a cache is loaded as the JVM starts: the
     * full cache made a no-op child about 10 ms slower (docs/BENCHMARKS.md, "A measured
     * trade-off"). A light child that then uses a pool or a manager loads those classes from the
     * jar, as without a cache.
     */
    static List<String> flagsFor(List<String> jvmArguments, boolean light) {
        if (!ENABLED || !CLASS_PATH_OF_JARS || !SpawnLauncher.runsOwnJava()) {
            return List.of();
        }
        String key = key(jvmArguments, light);
        Path ready = READY.get(key);
        if (ready == null) {
            Path dir = directory();
            if (dir == null) {
                return List.of();
            }
            Path file = dir.resolve(key + ".aot");
            if (Files.isRegularFile(file)) {
                READY.put(key, file);
                ready = file;
            } else {
                train(key, jvmArguments, file, light);
                return List.of();
            }
        }
        return List.of("-XX:AOTCache=" + ready);
    }

    private static void train(String key, List<String> jvmArguments, Path file, boolean light) {
        if (!TRAINING.add(key)) {
            return;
        }
        Path claim = claimPath(file);
        if (!claim(claim)) {
            // Another process trains this key: children here start without the cache until its
            // file appears (flagsFor looks for it at each start), and the next start here tries
            // again, in case that training fails or is killed.
            TRAINING.remove(key);
            return;
        }
        Path tmp = file.resolveSibling(key + ".aot.tmp-" + ProcessHandle.current().pid());
        java.lang.Process shell = null;
        try {
            List<String> flags = new ArrayList<>(jvmArguments);
            flags.add("-XX:AOTCacheOutput=" + tmp);
            // A small shell runs the training JVM and moves the finished cache into place, so the
            // training completes even if this process exits first (short programs often do); the
            // trainer's parent is the shell, which outlives us, so it is not taken for an orphan.
            // It gives the claim up last, whatever became of the training. The paths are its
            // arguments, not part of its script, so no character in them can break it.
            List<String> command = new ArrayList<>(List.of("/bin/sh", "-c",
                    "tmp=$1 file=$2 claim=$3; shift 3; \"$@\" && [ -s \"$tmp\" ] && mv -f \"$tmp\" \"$file\"; rm -f \"$tmp\" \"$claim\"",
                    "sh", tmp.toString(), file.toString(), claim.toString()));
            command.addAll(SpawnLauncher.command(flags, false, false));
            shell = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            nameTrainer(claim, shell.pid());
            JvmProcess job = new JvmProcess(new Training(light, CHILD_CLASSES.toArray(String[]::new)), "mp4j-aot-training",
                    new int[] {0});
            byte[] self = SafeSerializer.javaSerializeTrusted(job);
            // A tree of its own (empty tree id): the training often outlives this process, and
            // the shared memory it creates must be removed when it ends, not when we do.
            // A key of its own, too: it is detached from this tree, needs none of its secrets,
            // and may outlive it.
            byte[] trainingKey = new byte[32];
            RandomBytes.fill(trainingKey);
            Bootstrap b = new Bootstrap(trainingKey, new int[] {0}, job.name(), true,
                    shell.pid(), ProcessState.name(), "spawn", JvmOptions.defaults(), "", self, "");
            SpawnLauncher.sendBootstrap(shell, b.encode());
            TRAININGS.put(key, shell.onExit().whenComplete((p, error) -> {
                if (Files.isRegularFile(file)) {
                    READY.put(key, file);
                    pruneOldCaches(file);
                }
            }));
        } catch (IOException | RuntimeException e) {
            // Training is an optimisation only. A trainer that did not get its job would wait
            // for it, holding the claim, for good.
            if (shell != null) {
                shell.destroyForcibly();
            }
            release(claim);
        }
    }

    /**
     * How long a claim on a training is honoured whatever it says: a training takes seconds; a
     * claim this old was left by a machine that stopped, or names a pid reused since.
     */
    private static final long CLAIM_MAX_AGE_MILLIS = 10 * 60_000;
    /** How long an empty claim (its trainer not named yet) is taken for one being made. */
    private static final long EMPTY_CLAIM_GRACE_MILLIS = 60_000;

    static Path claimPath(Path cacheFile) {
        return cacheFile.resolveSibling(cacheFile.getFileName() + ".training");
    }

    /**
     * Claims the training of a cache for this process: creates {@code claim} (atomically, so of
     * several JVMs started at once, as a program's first children are, one trains and the others
     * wait for its file). A claim whose trainer has ended without giving it up (killed) or that
     * is too old is taken over. Returns whether this process now holds the claim.
     */
    static boolean claim(Path claim) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                Files.createFile(claim);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException held) {
                if (!stale(claim)) {
                    return false;
                }
                try {
                    Files.deleteIfExists(claim);
                } catch (IOException e) {
                    return false;
                }
            } catch (IOException | RuntimeException e) {
                // No directory, say: train without a claim, as before claims.
                return true;
            }
        }
        return false;
    }

    /** Whether a claim no longer stands for a running training (its trainer ended, or it is too old). */
    static boolean stale(Path claim) {
        try {
            long age = System.currentTimeMillis() - Files.getLastModifiedTime(claim).toMillis();
            if (age > CLAIM_MAX_AGE_MILLIS) {
                return true;
            }
            String text = Files.readString(claim, StandardCharsets.US_ASCII).trim();
            if (text.isEmpty()) {
                return age > EMPTY_CLAIM_GRACE_MILLIS;
            }
            return ProcessHandle.of(Long.parseLong(text)).map(h -> !h.isAlive()).orElse(true);
        } catch (java.nio.file.NoSuchFileException gone) {
            return true;
        } catch (IOException | RuntimeException unreadable) {
            return false;
        }
    }

    /** Writes the trainer's pid into this process's claim, for others to check it is still running. */
    static void nameTrainer(Path claim, long pid) {
        try {
            // Not made again if the trainer already ended and gave it up, and not written over
            // another process's claim made since.
            if (Files.size(claim) == 0) {
                Files.writeString(claim, Long.toString(pid), StandardCharsets.US_ASCII,
                        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            }
        } catch (IOException ignored) {
            // gone already, or an unnamed claim, honoured for a minute only
        }
    }

    static void release(Path claim) {
        try {
            Files.deleteIfExists(claim);
        } catch (IOException ignored) {
            // a claim whose trainer ended is taken over by the next one
        }
    }

    /**
     * Trains the caches that children with these JVM arguments use (both kinds), unless they are
     * there, and waits at most {@code timeout} for them.
     *
     * @return whether both are ready (false at once when caching is off or impossible here)
     */
    static boolean prepare(List<String> jvmArguments, java.time.Duration timeout) throws InterruptedException {
        if (!ENABLED || !CLASS_PATH_OF_JARS || !SpawnLauncher.runsOwnJava()) {
            return false;
        }
        long deadline = System.nanoTime() + Math.max(0, java.util.concurrent.TimeUnit.NANOSECONDS.convert(timeout));
        boolean ready = true;
        for (boolean light : new boolean[] {true, false}) {
            if (flagsFor(jvmArguments, light).isEmpty()) {
                String key = key(jvmArguments, light);
                java.util.concurrent.CompletableFuture<?> training = TRAININGS.get(key);
                long left = deadline - System.nanoTime();
                Path dir = directory();
                if (training == null && left > 0 && dir != null) {
                    ready &= awaitTrainingElsewhere(dir.resolve(key + ".aot"), deadline)
                            && !flagsFor(jvmArguments, light).isEmpty();
                    continue;
                }
                if (training == null || left <= 0) {
                    ready = false;
                    continue;
                }
                try {
                    training.get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    ready = false;
                    continue;
                }
                ready &= !flagsFor(jvmArguments, light).isEmpty();
            }
        }
        return ready;
    }

    /**
     * Waits, at most until {@code deadline}, for another process's training of {@code file} (one
     * that holds its claim); returns whether the file is there.
     */
    private static boolean awaitTrainingElsewhere(Path file, long deadline) throws InterruptedException {
        Path claim = claimPath(file);
        while (!Files.isRegularFile(file)) {
            if (!Files.exists(claim) || stale(claim) || deadline - System.nanoTime() <= 0) {
                return Files.isRegularFile(file);
            }
            Thread.sleep(50);
        }
        return true;
    }

    private static String key(List<String> jvmArguments, boolean light) {
        List<String> keyed = new ArrayList<>(jvmArguments);
        if (light) {
            keyed.add("mp4j:light");
        }
        return key(keyed);
    }

    /** Every rebuild of the jars makes a new key: keep only the newest few caches. */
    private static void pruneOldCaches(Path keep) {
        try (var files = Files.list(keep.getParent())) {
            List<Path> all = files.toList();
            long hourAgo = System.currentTimeMillis() - 3_600_000;
            for (Path f : all) {
                // a training that never finished (its machine stopped, say) leaves a temporary file
                if (f.getFileName().toString().contains(".aot.tmp-") && f.toFile().lastModified() < hourAgo) {
                    Files.deleteIfExists(f);
                }
            }
            List<Path> caches = new ArrayList<>(all.stream().filter(f -> f.toString().endsWith(".aot") && !f.equals(keep)).toList());
            caches.sort(java.util.Comparator.comparing((Path f) -> f.toFile().lastModified()).reversed());
            for (int i = KEPT_CACHES - 1; i < caches.size(); i++) {
                Files.deleteIfExists(caches.get(i));
            }
        } catch (IOException ignored) {
            // old caches only cost disk space
        }
    }


    /**
     * Where the caches are kept, or null where that directory cannot be trusted (another user
     * made it first, say: a cache planted there would be code run in every child); then children
     * start without a cache, and this is said once. Vetted once per process.
     */
    static Path directory() {
        Path dir = vettedDirectory;
        if (dir == null && !untrusted) {
            synchronized (AotCache.class) {
                if (vettedDirectory == null && !untrusted) {
                    Path candidate = Path.of(System.getProperty("java.io.tmpdir"), "mp4j-aot-" + System.getProperty("user.name"));
                    if (OwnDirectory.makeOrVet(candidate)) {
                        vettedDirectory = candidate;
                    } else {
                        untrusted = true;
                        System.err.println("mp4j: " + candidate + " is not this user's own directory (mode 0700):"
                                + " children start without a start-up cache");
                    }
                }
                dir = vettedDirectory;
            }
        }
        return dir;
    }

    private static volatile Path vettedDirectory;
    private static volatile boolean untrusted;

    static String key(List<String> jvmArguments) {
        // What the key depends on that can change while this JVM runs: the class path's files
        // (rebuilt jars). Unchanged, the key is the one computed last time for these flags: a
        // digest in a fresh parent is a couple of milliseconds of every child's start.
        StringBuilder files = new StringBuilder();
        for (String entry : SourceProgram.childClassPath().split(File.pathSeparator)) {
            File f = new File(entry);
            files.append(f.length()).append(':').append(f.lastModified()).append(';');
        }
        String stamp = files.toString();
        KnownKey known = KNOWN_KEYS.get(jvmArguments);
        if (known != null && known.files().equals(stamp)) {
            return known.key();
        }
        String key = digest(jvmArguments);
        KNOWN_KEYS.put(List.copyOf(jvmArguments), new KnownKey(stamp, key));
        return key;
    }

    /** A key computed, with the class path's file sizes and times it was computed for. */
    private record KnownKey(String files, String key) {
    }

    private static final Map<List<String>, KnownKey> KNOWN_KEYS = new ConcurrentHashMap<>();

    private static String digest(List<String> jvmArguments) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(System.getProperty("java.home").getBytes(StandardCharsets.UTF_8));
            d.update(Runtime.version().toString().getBytes(StandardCharsets.UTF_8));
            for (String a : jvmArguments) {
                if (NOT_KEYED.contains(a)) {
                    continue;
                }
                d.update(a.getBytes(StandardCharsets.UTF_8));
                d.update((byte) 0);
            }
            for (String entry : SourceProgram.childClassPath().split(File.pathSeparator)) {
                File f = new File(entry);
                d.update(entry.getBytes(StandardCharsets.UTF_8));
                d.update((f.length() + ":" + f.lastModified()).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(d.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What a typical child does, so that the classes it needs are in the cache, and (JDK 25
     * records method profiles in the cache too) so that a child's hot paths — queue, pipe and
     * lock operations — reach the optimizing compiler sooner instead of warming up on the user's
     * first hundred thousand messages.
     */
    static final class Training implements ProcessTarget {
        @java.io.Serial
        private static final long serialVersionUID = 1L;

        private static final int HOT_ITERATIONS = 60_000;

        /** Only the core paths: see {@link AotCache#flagsFor(List, boolean)}. */
        private final boolean light;
        /** The caller's classes children run code of (see {@link AotCache#noteChildClass}). */
        private final String[] childClasses;

        Training(boolean light, String[] childClasses) {
            this.light = light;
            this.childClasses = childClasses;
        }

        @Override
        public void run() throws Exception {
            loadChildClasses(childClasses);
            arriveInQuickForm();
            dev.mp4j.queue.ProcessQueue<Object> q = dev.mp4j.queue.ProcessQueue.create();
            dev.mp4j.sync.ProcessLock lock = dev.mp4j.sync.ProcessLock.create();
            Pipe hot = Pipe.open();
            for (int i = 0; i < HOT_ITERATIONS; i++) {
                q.put(i, true, null);
                q.get();
                lock.lock();
                lock.unlock();
                hot.left().send(i);
                hot.right().recv();
            }
            hot.left().close();
            hot.right().close();
            exerciseUnderLoad();
            exerciseLocksUnderContention();
            if (!light) {
                dev.mp4j.pool.PoolWarmUp.exercise();
                try {
                    dev.mp4j.manager.ManagerWarmUp.exercise();
                } catch (Throwable t) {
                    // the rest of the training still counts
                }
            }
            Pipe pipe = Pipe.open();
            Connection a = pipe.left();
            Connection b = pipe.right();
            ProcessTarget lambda = () -> System.out.print("");
            for (Object o : List.of(1, 2L, "text", new byte[16], new ArrayList<>(List.of(1, 2)), Map.of("k", 1), lambda)) {
                a.send(o);
                b.recv();
            }
            b.sendBytes(new byte[100_000]);
            a.recvBytes();
            a.poll(java.time.Duration.ofMillis(1));
            a.close();
            b.close();
            if (!light) {
                arriveAsAChildWould();
            }
        }

        /**
         * A producer faster than its consumer, then a consumer faster than its producer, on two
         * threads and both kinds of queue: the ring fills and the queue runs empty, as between two
         * children under load, and so the cache's profiles include those paths. Trained on one
         * thread alone (a put, then a get), the optimizing compiler compiled a child's
         * {@code put} with a trap where the ring is full; the first full ring threw that
         * compilation away (120 ms of a core) and it was made again. Items are ints and 10 kB
         * arrays: with some of 1 MB among them the compiled take and put grew, and the 10 kB rows
         * of {@code queue_throughput} got slower instead of faster (docs/BENCHMARKS.md).
         */
        private static void exerciseUnderLoad() {
            try {
                byte[] tenK = new byte[10_000];
                for (boolean simple : new boolean[] {false, true}) {
                    dev.mp4j.queue.ProcessQueue<Object> queue = simple ? null : dev.mp4j.queue.ProcessQueue.create();
                    dev.mp4j.queue.SimpleProcessQueue<Object> simpleQueue = simple ? dev.mp4j.queue.SimpleProcessQueue.create() : null;
                    int n = 24_000;
                    Thread consumer = new Thread(() -> {
                        try {
                            for (int i = 0; i < n; i++) {
                                if (simple) {
                                    simpleQueue.get();
                                } else {
                                    queue.get();
                                }
                                if (i % 3_000 == 2_999) {
                                    Thread.sleep(2); // meanwhile the producer fills the ring
                                }
                            }
                        } catch (InterruptedException e) {
                            // training only
                        }
                    }, "mp4j-aot-consumer");
                    consumer.setDaemon(true);
                    consumer.start();
                    for (int i = 0; i < n; i++) {
                        Object item = i % 4 == 0 ? tenK : (Object) i;
                        if (simple) {
                            simpleQueue.put(item);
                        } else {
                            queue.put(item, true, null);
                        }
                        if (i % 4_000 == 3_999) {
                            Thread.sleep(2); // meanwhile the consumer finds the queue empty
                        }
                    }
                    consumer.join(60_000);
                }
            } catch (Exception | Error e) {
                // training only: the rest of the cache still counts
            }
        }

        /**
         * Two threads taking the same locks in turn (a plain lock, and a shared value's lock
         * around its update), so the profiles include a lock found taken: trained on one thread
         * alone, two children incrementing one value deoptimized {@code acquireWord} at their
         * first collision (-XX:+LogCompilation).
         */
        private static void exerciseLocksUnderContention() {
            try {
                dev.mp4j.shared.IntValue value = dev.mp4j.shared.Value.ofInt(0);
                dev.mp4j.sync.AbstractProcessLock valueLock = value.getLock();
                dev.mp4j.sync.ProcessLock lock = dev.mp4j.sync.ProcessLock.create();
                Runnable work = () -> {
                    for (int i = 0; i < 50_000; i++) {
                        valueLock.lock();
                        try {
                            value.set(value.get() + 1);
                        } finally {
                            valueLock.unlock();
                        }
                        lock.lock();
                        lock.unlock();
                    }
                };
                Thread other = new Thread(work, "mp4j-aot-contender");
                other.setDaemon(true);
                other.start();
                work.run();
                other.join(60_000);
            } catch (Exception | Error e) {
                // training only: the rest of the cache still counts
            }
        }

        /**
         * Loads the caller's classes children run code of, without initializing them (no code of
         * theirs runs here), and the classes their methods' signatures name: a child finding its
         * target's body by reflection loads those too. A class that cannot load is skipped.
         */
        static void loadChildClasses(String[] names) {
            for (String name : names) {
                try {
                    Class.forName(name, false, ClassLoader.getSystemClassLoader()).getDeclaredMethods();
                } catch (Throwable t) {
                    // not on the class path, or a signature names a missing class: training only
                }
            }
        }

        /**
         * Decodes and runs a target in the quick form, as most children do first thing: the
         * training JVM itself is started with an object, so without this the quick form's classes
         * were missing from both caches and every such child (plain children, pool workers,
         * managers) loaded them from the jar on its way to its target, 6-8 ms measured.
         */
        private static void arriveInQuickForm() {
            try {
                String greeting = "";
                byte[] form = QuickForm.encode(() -> System.out.print(greeting), new int[] {1}, "mp4j-aot-quick-form",
                        Boolean.TRUE, ProcessHandle.current().pid());
                if (form != null) {
                    QuickForm.decode(form).run();
                }
                // A child's first sleep loads the JDK's sleep event classes: archive them too.
                Thread.sleep(1);
            } catch (Exception | Error e) {
                // training only: the rest of the cache still counts
            }
        }

        /**
         * Deserializes what children receive (pipe ends, a lock, a queue, shared memory), so the
         * reattaching paths, their lambdas included, are linked in the cache too, not only the
         * creating ones.
         */
        private static void arriveAsAChildWould() {
            try {
                Pipe pipe = Pipe.open();
                dev.mp4j.sync.ProcessLock lock = dev.mp4j.sync.ProcessLock.create();
                dev.mp4j.queue.ProcessQueue<Object> queue = dev.mp4j.queue.ProcessQueue.create();
                dev.mp4j.shm.SharedMemory memory = dev.mp4j.shm.SharedMemory.create(4096);
                byte[] bytes = SafeSerializer.javaSerialize(new ArrayList<>(List.of(pipe.right(), lock, queue, memory)));
                List<?> arrived = (List<?>) SafeSerializer.javaDeserializeTrusted(bytes, 1, bytes.length - 1);
                ((Connection) arrived.get(0)).send(1);
                pipe.left().recv();
                ((dev.mp4j.sync.ProcessLock) arrived.get(1)).lock();
                ((dev.mp4j.sync.ProcessLock) arrived.get(1)).unlock();
                @SuppressWarnings("unchecked")
                dev.mp4j.queue.ProcessQueue<Object> q = (dev.mp4j.queue.ProcessQueue<Object>) arrived.get(2);
                q.put(1, true, null);
                queue.get();
                ((Connection) arrived.get(0)).close();
                pipe.left().close();
                pipe.right().close();
                ((dev.mp4j.shm.SharedMemory) arrived.get(3)).close();
                memory.close();
                memory.unlink();
            } catch (Exception | Error e) {
                // training only: the rest of the cache still counts
            }
        }
    }
}
