package dev.mp4j.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One result line, shaped like the CPython reference scripts' ({@code common.emit}): the same
 * {@code bench} name, {@code unit} and {@code params} keys, the median of the runs as
 * {@code value}, and the runs themselves.
 */
public record BenchRecord(int figure, String bench, String unit, Map<String, Object> params, List<Double> runs,
                          boolean higherIsBetter) {

    public BenchRecord {
        params = new LinkedHashMap<>(params);
        runs = List.copyOf(runs);
    }

    public double value() {
        return Stats.median(runs);
    }

    /** The JSON line {@code ../shared/bench/compare} reads. */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bench", bench);
        m.put("value", Stats.sig(value()));
        m.put("unit", unit);
        m.put("params", params);
        m.put("min", Stats.sig(runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN)));
        m.put("max", Stats.sig(runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN)));
        List<Object> r = new ArrayList<>();
        for (double d : runs) {
            r.add(Stats.sig(d));
        }
        m.put("runs", r);
        m.put("higher_is_better", higherIsBetter);
        m.put("figure", figure);
        m.put("java", Runtime.version().toString());
        m.put("nproc", Runtime.getRuntime().availableProcessors());
        return Json.write(m);
    }

    /** A line for people: name, params, median [min – max] unit. */
    public String toText() {
        double min = runs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        double max = runs.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
        return String.format("%-28s %-70s %12s %-10s [%s – %s]%s", bench, Json.write(params), Stats.format(value()), unit,
                Stats.format(min), Stats.format(max), higherIsBetter ? " ↑" : " ↓");
    }
}
