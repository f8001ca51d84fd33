package dev.mp4j.examples;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Python's {@code repr()} (what {@code print} shows for a dict or a list) for the values the seed
 * programs print, so that a twin prints what its original does: {@code {0: '1', '2': 2, 0.25: None}}
 * where Java's {@code toString()} would print {@code {0=1, 2=2, 0.25=null}} and lose the types.
 */
public final class PyRepr {
    private PyRepr() {
    }

    /** {@code repr(value)}: strings quoted, {@code None}, {@code True}/{@code False}, dicts and lists nested. */
    public static String repr(Object value) {
        StringBuilder b = new StringBuilder();
        append(b, value);
        return b.toString();
    }

    private static void append(StringBuilder b, Object value) {
        switch (value) {
            case null -> b.append("None");
            case Boolean bool -> b.append(bool ? "True" : "False");
            case CharSequence s -> quote(b, s.toString());
            case Character c -> quote(b, c.toString());
            case Double d -> b.append(floatRepr(d));
            case Float f -> b.append(floatRepr(f.doubleValue()));
            case Map<?, ?> m -> {
                b.append('{');
                String sep = "";
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    b.append(sep);
                    append(b, e.getKey());
                    b.append(": ");
                    append(b, e.getValue());
                    sep = ", ";
                }
                b.append('}');
            }
            case Collection<?> c -> {
                b.append('[');
                for (Iterator<?> it = c.iterator(); it.hasNext(); ) {
                    append(b, it.next());
                    if (it.hasNext()) {
                        b.append(", ");
                    }
                }
                b.append(']');
            }
            default -> b.append(value);
        }
    }

    /** Python's quoting: single quotes unless the text holds one and no double quote. */
    private static void quote(StringBuilder b, String s) {
        char q = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        b.append(q);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c == q) {
                        b.append('\\');
                    }
                    b.append(c);
                }
            }
        }
        b.append(q);
    }

    /**
     * Python's float repr: the shortest digits that read back as the same double (which
     * {@link Double#toString} also gives), written plainly for decimal exponents from -4 to 15
     * and in scientific notation otherwise ({@code 0.0001}, {@code 12345678.5}, {@code 1e-05},
     * {@code 1e+16}, {@code -0.0}).
     */
    private static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        java.math.BigDecimal v = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros();
        // The decimal exponent of the first digit: 1.5e-05 has -5, 12345678.5 has 7.
        int exponent = v.precision() - v.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = v.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = v.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (v.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
}
