package dev.mp4j.examples.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GeventFetchTest {
    @Test
    @Timeout(60)
    void bothPagesAreFetchedAtOnce() throws Exception {
        DemoRunner.Result run = DemoRunner.run("gevent-fetch", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> texts = run.texts();
        assertEquals(5, texts.size(), run::toString);
        // Both GETs go out before either page has come: the second did not wait for the first.
        assertTrue(texts.get(0).startsWith("GET:http://127.0.0.1:"), run::toString);
        assertTrue(texts.get(1).startsWith("GET:http://127.0.0.1:"), run::toString);
        String base = texts.get(0).substring("GET:".length(), texts.get(0).lastIndexOf('/'));
        assertEquals(Set.of("GET:" + base + "/www.mmjpg.com", "GET:" + base + "/www.fengniao.com"),
                Set.of(texts.get(0), texts.get(1)), run::toString);
        assertEquals(Set.of("5120 bytes recevied from " + base + "/www.mmjpg.com",
                "8192 bytes recevied from " + base + "/www.fengniao.com"), Set.of(texts.get(2), texts.get(3)), run::toString);
        // The seconds it took: at least one site's wait, and short of two: the two waits
        // overlapped (the order above only shows both requests went out first; a server that
        // answered one request at a time would take two waits). About 1.1 against 1 and 2 here;
        // the 0.1 s below two is for a busy host's first HTTP calls.
        double seconds = Double.parseDouble(texts.get(4));
        double oneWait = PyTime.SECOND.multipliedBy(GeventFetch.SITE_DELAY_SECONDS).toMillis() / 1000.0;
        assertTrue(seconds >= oneWait - 0.05, run::toString);
        assertTrue(seconds < 2 * oneWait - 0.1, () -> "the two waits did not overlap: " + run);
    }
}
