package dev.mp4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyReprTest {
    @Test
    void printsWhatPythonsPrintShows() {
        Map<Object, Object> d = new LinkedHashMap<>();
        d.put(0, "1");
        d.put("2", 2);
        d.put(0.25, null);
        d.put("list", Arrays.asList(1, "a", true, false, 2.0, null));
        assertEquals("{0: '1', '2': 2, 0.25: None, 'list': [1, 'a', True, False, 2.0, None]}", PyRepr.repr(d));
    }

    @Test
    void quotesAsPythonDoes() {
        assertEquals("'plain'", PyRepr.repr("plain"));
        assertEquals("\"it's\"", PyRepr.repr("it's"));
        assertEquals("'both \\' and \"'", PyRepr.repr("both ' and \""));
        assertEquals("'a\\nb\\\\c'", PyRepr.repr("a\nb\\c"));
        assertEquals("[]", PyRepr.repr(List.of()));
        assertEquals("{}", PyRepr.repr(Map.of()));
    }

    @Test
    void floatsAsPythonWritesThem() {
        assertEquals("1e-05", PyRepr.repr(1e-5));
        assertEquals("1e+16", PyRepr.repr(1e16));
        assertEquals("123.0", PyRepr.repr(123.0));
        assertEquals("-0.5", PyRepr.repr(-0.5));
        assertEquals("nan", PyRepr.repr(Double.NaN));
        assertEquals("-inf", PyRepr.repr(Double.NEGATIVE_INFINITY));
        assertEquals("0.0001", PyRepr.repr(1e-4));
        assertEquals("0.00015", PyRepr.repr(1.5e-4));
        assertEquals("1.5e-05", PyRepr.repr(1.5e-5));
        assertEquals("12345678.5", PyRepr.repr(12345678.5));
        assertEquals("1234567890123456.8", PyRepr.repr(1234567890123456.8));
        assertEquals("1.2345678901234568e+16", PyRepr.repr(12345678901234567.0));
        assertEquals("-0.0", PyRepr.repr(-0.0));
        assertEquals("0.0", PyRepr.repr(0.0));
        assertEquals("0.1", PyRepr.repr(0.1));
        assertEquals("100.0", PyRepr.repr(100.0));
        assertEquals("-2.5e-10", PyRepr.repr(-2.5e-10));
    }
}
