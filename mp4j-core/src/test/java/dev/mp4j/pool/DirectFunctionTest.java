package dev.mp4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/** A static lambda body called directly throws what the lambda object would. */
class DirectFunctionTest {
    @Test
    void aNullForAPrimitiveParameterIsANullPointerExceptionAndAWrongTypeAClassCastException() throws Exception {
        // Before, both were a ClassCastException; the lambda unboxing a null throws NullPointerException.
        Method bitCount = Integer.class.getMethod("bitCount", int.class);
        assertEquals(3, DirectFunction.call(bitCount, new Object[] {7}));
        assertThrows(NullPointerException.class, () -> DirectFunction.call(bitCount, new Object[] {null}));
        assertThrows(ClassCastException.class, () -> DirectFunction.call(bitCount, new Object[] {"7"}));
    }
}
