package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mp4j.examples.DemoRunner;
import dev.mp4j.examples.PyTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PageCallbackTest {
    private static final Pattern DOWNLOAD = Pattern.compile("\\(进程 (\\d+)\\) 正在下载页面 (\\S+)");
    private static final Pattern PARSE = Pattern.compile("<进程 (\\d+)> 正在解析页面: (\\S+)");

    @Test
    @Timeout(60)
    void workersDownloadAndTheMainProcessParsesEachPageInACallbackOneAtATime() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-callback", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        List<String> urls = PageCallback.URLS;
        int n = urls.size();
        assertEquals(3 * n + 1, run.lines().size(), run::toString);
        // After join() and the callbacks: the main process's line, then get() gives each task's
        // own result, the url, in submission order.
        DemoRunner.Line main = run.lines().get(2 * n);
        assertEquals("{主进程 " + run.pid() + "}", main.text(), run::toString);
        assertEquals(urls, run.texts().subList(2 * n + 1, 3 * n + 1), run::toString);

        Map<String, DemoRunner.Line> downloaded = new HashMap<>();
        Set<String> parsed = new HashSet<>();
        Set<Long> workers = new HashSet<>();
        DemoRunner.Line lastParse = null;
        for (DemoRunner.Line line : run.lines().subList(0, 2 * n)) {
            Matcher download = DOWNLOAD.matcher(line.text());
            Matcher parse = PARSE.matcher(line.text());
            if (download.matches()) {
                long pid = Long.parseLong(download.group(1));
                assertNotEquals(run.pid(), pid, () -> "a download in the main process\n" + run);
                workers.add(pid);
                assertTrue(urls.contains(download.group(2)) && downloaded.put(download.group(2), line) == null,
                        () -> "unexpected or repeated " + line.text() + "\n" + run);
            } else {
                assertTrue(parse.matches(), () -> "unexpected line '" + line.text() + "'\n" + run);
                // The callback runs in the main process...
                assertEquals(run.pid(), Long.parseLong(parse.group(1)), () -> "a callback outside the main process\n" + run);
                // ...on a result: after its download's one to three seconds...
                assertTrue(parsed.add(parse.group(2)), () -> "parsed twice: " + line.text() + "\n" + run);
                DemoRunner.Line start = downloaded.get(parse.group(2));
                assertTrue(start != null && line.at().minus(start.at()).compareTo(PyTime.SECOND.minusMillis(150)) >= 0,
                        () -> "parsed before it was downloaded: " + line.text() + "\n" + run);
                // ...and one at a time: each callback sleeps a second before the next can start.
                if (lastParse != null) {
                    Duration gap = line.at().minus(lastParse.at());
                    assertTrue(gap.compareTo(PyTime.SECOND.minusMillis(150)) >= 0,
                            () -> "two callbacks " + gap + " apart\n" + run);
                }
                lastParse = line;
            }
        }
        assertEquals(Set.copyOf(urls), downloaded.keySet(), run::toString);
        assertEquals(Set.copyOf(urls), parsed, run::toString);
        assertTrue(workers.size() <= PageCallback.PROCESSES, () -> workers + "\n" + run);
        // The main process's line waited for the last callback's one-second sleep.
        Duration afterLastParse = main.at().minus(lastParse.at());
        assertTrue(afterLastParse.compareTo(PyTime.SECOND.minusMillis(150)) >= 0,
                () -> "the main process went on " + afterLastParse + " after the last callback began\n" + run);
    }
}
