package dev.mp4j.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.serial.ProcessTarget;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class AotCacheTest {

    /** A process subclass: its own class is what its child runs code of. */
    static final class Subclassed extends JvmProcess {
        @Override
        public void run() {
        }
    }

    /** Lambdas written here, so that the class they are noted under is this one. */
    static final class Elsewhere {
        static ProcessTarget capturingAList(List<Integer> list) {
            return () -> list.size();
        }
    }

    @Test
    void theKeyIsKeptForTheSameFlagsAndChangesWithTheFlagsAndWhenAClassPathFileChanges() {
        String key = AotCache.key(List.of("-Xmx64m"));
        assertEquals(key, AotCache.key(List.of("-Xmx64m")));
        assertFalse(key.equals(AotCache.key(List.of("-Xmx65m"))), "other flags, another cache");
        java.io.File entry = new java.io.File(System.getProperty("java.class.path").split(java.io.File.pathSeparator)[0]);
        long was = entry.lastModified();
        assertTrue(entry.setLastModified(was + 10_000));
        try {
            // A rebuilt jar: the cache made for the old one would be refused by the JVM.
            assertFalse(key.equals(AotCache.key(List.of("-Xmx64m"))), "a class path file changed, the key stayed");
        } finally {
            entry.setLastModified(was);
        }
        assertEquals(key, AotCache.key(List.of("-Xmx64m")));
    }

    @Test
    void startingAProcessNotesTheClassWhoseCodeTheChildRuns() {
        List<JvmProcess> ps = List.of(new JvmProcess(() -> { }), new Subclassed(),
                new JvmProcess(Elsewhere.capturingAList(new ArrayList<>(List.of(1)))));
        for (JvmProcess p : ps) {
            p.start();
            p.join();
            assertEquals(0, p.exitCode(), p.name());
        }
        // A quick-form lambda, a subclass, and a lambda that travels in an object stream.
        assertTrue(AotCache.childClasses().containsAll(List.of(AotCacheTest.class.getName(), Subclassed.class.getName(),
                Elsewhere.class.getName())), AotCache.childClasses().toString());
    }

    /** Counts the initializations of {@link NeverInitialized}: nothing must run it. */
    static final java.util.concurrent.atomic.AtomicInteger INITIALIZED = new java.util.concurrent.atomic.AtomicInteger();

    static final class NeverInitialized {
        static {
            INITIALIZED.incrementAndGet();
        }

        static void method(Subclassed signatureClass) {
        }
    }

    @Test
    void trainingLoadsTheNotedClassesWithoutRunningTheirCode() {
        // No code of the caller's runs in the training JVM, and a class that is not there is
        // skipped rather than failing the training.
        AotCache.Training.loadChildClasses(new String[] {"no.such.Clazz", NeverInitialized.class.getName()});
        assertEquals(0, INITIALIZED.get(), "the class was initialized");
    }

    @Test
    void oneProcessAtATimeClaimsATrainingAndAClaimWhoseTrainerEndedOrThatIsOldIsTakenOver(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path claim = AotCache.claimPath(dir.resolve("k.aot"));
        assertTrue(AotCache.claim(claim), "nobody trains this key yet");
        assertFalse(AotCache.claim(claim), "a claim just made, its trainer not named yet, stands");
        AotCache.nameTrainer(claim, ProcessHandle.current().pid());
        assertFalse(AotCache.claim(claim), "a claim naming a running trainer stands");

        java.lang.Process ended = new ProcessBuilder("true").start();
        assertEquals(0, ended.waitFor());
        AotCache.nameTrainer(claim, ended.pid());
        assertEquals(String.valueOf(ProcessHandle.current().pid()), java.nio.file.Files.readString(claim),
                "a claim named already is not written over (another process's, made since)");
        // As a trainer killed without giving the claim up leaves it:
        java.nio.file.Files.writeString(claim, String.valueOf(ended.pid()));
        assertTrue(AotCache.stale(claim));
        assertTrue(AotCache.claim(claim), "its trainer was killed without giving the claim up");

        AotCache.nameTrainer(claim, ProcessHandle.current().pid());
        java.nio.file.Files.setLastModifiedTime(claim, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        assertTrue(AotCache.claim(claim), "an hour-old claim is not a training still running");

        AotCache.release(claim);
        assertFalse(java.nio.file.Files.exists(claim));
        assertTrue(AotCache.claim(claim));
    }
}
