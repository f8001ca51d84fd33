package dev.mp4j.bench;

import java.util.List;
import java.util.Optional;

/** The figures mp4j can print, by the CPython script names. */
public final class Figures {
    private static final List<Figure> ALL = List.of(new ProcessStartJoinFigure(), new QueueThroughputFigure(), new PipeFigure(),
            new LockOpsFigure(), new ValueArrayFigure(), new SharedMemoryFigure(), new PoolMapFigure(), new PoolCpuFigure(),
            new ManagerOpsFigure(), new RemoteManagerFigure(), new PpeFigure(), new MemoryFigure());

    private Figures() {
    }

    public static List<Figure> all() {
        return ALL;
    }

    /** By name ({@code pipe}) or number ({@code 3}). */
    public static Optional<Figure> find(String nameOrNumber) {
        return ALL.stream()
                .filter(f -> f.name().equals(nameOrNumber) || String.valueOf(f.number()).equals(nameOrNumber))
                .findFirst();
    }
}
