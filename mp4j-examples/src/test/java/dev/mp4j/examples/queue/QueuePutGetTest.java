package dev.mp4j.examples.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class QueuePutGetTest {
    private static final Pattern MAIN = Pattern.compile("main process of:  -?\\d+");
    private static final Pattern SON = Pattern.compile("son process of: -?\\d+");

    @Test
    @Timeout(60)
    void theMainProcessGetsSixSevenAndTenFromItsThreeChildren() throws Exception {
        DemoRunner.Result run = DemoRunner.run("queue-put-get", Duration.ofSeconds(30));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();
        assertEquals(7, texts.size(), run::toString);
        // The main process prints its id before it starts any child.
        assertTrue(MAIN.matcher(texts.getFirst()).matches(), run::toString);

        int sons = 0;
        List<Integer> got = new ArrayList<>();
        for (String text : texts.subList(1, texts.size())) {
            if (SON.matcher(text).matches()) {
                sons++;
            } else {
                got.add(Integer.valueOf(text));
            }
        }
        assertEquals(3, sons, run::toString);
        // n*n+6 for n = 0, 1, 2, each once, in whatever order the children put them.
        assertEquals(List.of(6, 7, 10), got.stream().sorted().toList(), run::toString);
    }
}
