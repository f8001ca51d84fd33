package dev.mp4j.bench;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The statistics of the CPython harness (common.py), so both sides summarise alike. */
public final class Stats {
    private Stats() {
    }

    /** Median; the mean of the two middle values for an even count. */
    public static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile of a sorted array, q in 0..1. */
    public static double pct(long[] sorted, double q) {
        int n = sorted.length;
        int i = Math.min(n - 1, Math.max(0, (int) Math.ceil(q * n) - 1));
        return sorted[i];
    }

    /** Six significant digits, as {@code float(f"{x:.6g}")}. */
    public static double sig(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x) || x == 0) {
            return x;
        }
        return new BigDecimal(x).round(new MathContext(6)).doubleValue();
    }

    static String format(double x) {
        if (Math.abs(x) >= 1000) {
            return String.format("%,.0f", x);
        }
        return String.format("%.4g", x);
    }
}
