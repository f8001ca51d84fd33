package dev.mp4j.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The first record a JVM deserializes costs it about 20 ms of method-handle spinning (measured:
 * 16-22 ms for a five-component record against 0.15 ms for the same fields in a class), a third
 * of a child's start. So nothing of mp4j's crosses to another process as a record: a serializable
 * record must replace itself with a plain class when written.
 */
class NoRecordsOnTheWireTest {
    @Test
    void everySerializableRecordTravelsAsAPlainClass() throws Exception {
        List<Class<?>> records = serializable().stream().filter(Class::isRecord).toList();
        List<String> offenders = records.stream().filter(c -> !declaresWriteReplace(c)).map(Class::getName).toList();
        assertEquals(List.of(), offenders, "serializable records without a writeReplace to a plain class");
        // The scan did look: Pipe and JvmOptions are serializable records.
        assertTrue(records.size() >= 2, "found only " + records.size() + " serializable records");
    }

    /**
     * A serializable class without a {@code serialVersionUID} has one computed when it is first
     * written or read: a SHA-1 over its members, about 15 ms in a fresh JVM (measured on
     * {@code WorkerLoop}: 24 ms against 9 ms for a class that declares one), paid again by
     * every child.
     */
    @Test
    void everySerializableClassDeclaresItsVersion() throws Exception {
        List<Class<?>> classes = serializable().stream()
                .filter(c -> !c.isRecord() && !c.isEnum() && !c.isAnonymousClass())
                .toList();
        List<String> offenders = classes.stream().filter(c -> !declaresVersion(c)).map(Class::getName).toList();
        assertEquals(List.of(), offenders, "serializable classes without a serialVersionUID");
        assertTrue(classes.size() >= 10, "checked only " + classes.size() + " classes");
    }

    /** Every serializable class or record compiled from mp4j-core's sources (no interfaces, nothing synthetic). */
    private static List<Class<?>> serializable() throws IOException, URISyntaxException, ClassNotFoundException {
        Path classes = Path.of(SafeSerializer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("module-info") || name.endsWith("package-info")) {
                    continue;
                }
                Class<?> c = Class.forName(name, false, NoRecordsOnTheWireTest.class.getClassLoader());
                if (!c.isInterface() && !c.isSynthetic() && !c.isHidden() && Serializable.class.isAssignableFrom(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    private static boolean declaresWriteReplace(Class<?> c) {
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals("writeReplace") && m.getParameterCount() == 0 && !m.getReturnType().isRecord()) {
                return true;
            }
        }
        return false;
    }

    private static boolean declaresVersion(Class<?> c) {
        try {
            java.lang.reflect.Field f = c.getDeclaredField("serialVersionUID");
            return java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == long.class;
        } catch (NoSuchFieldException e) {
            return false;
        }
    }
}
