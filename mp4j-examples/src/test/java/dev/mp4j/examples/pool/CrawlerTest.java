package dev.mp4j.examples.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mp4j.examples.DemoRunner;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CrawlerTest {
    @Test
    @Timeout(60)
    void aWorkerFetchesThePageOverHttpAndTheCallbackPrintsEveryFilmOnIt() throws Exception {
        DemoRunner.Result run = DemoRunner.run("pool-crawler", Duration.ofSeconds(50));

        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.stderr(), run::toString);
        // Every film of the served page, in page order, each field cut as the original cuts it.
        assertEquals(List.of(
                "{'index': '1', 'title': '霸王别姬', 'actor': '张国荣,张丰毅,巩俐', 'time': '1993-01-01', 'score': '9.5'}",
                "{'index': '2', 'title': '肖申克的救赎', 'actor': '蒂姆·罗宾斯,摩根·弗里曼,鲍勃·冈顿', 'time': '1994-10-14(美国)', 'score': '9.5'}",
                "{'index': '3', 'title': '罗马假日', 'actor': '格利高里·派克,奥黛丽·赫本,埃迪·艾伯特', 'time': '1953-09-02(美国)', 'score': '9.1'}",
                "{'index': '4', 'title': '这个杀手不太冷', 'actor': '让·雷诺,加里·奥德曼,娜塔莉·波特曼', 'time': '1994-09-14(法国)', 'score': '9.5'}",
                "{'index': '5', 'title': '泰坦尼克号', 'actor': '莱昂纳多·迪卡普里奥,凯特·温丝莱特,比利·赞恩', 'time': '1998-04-03', 'score': '9.5'}"),
                run.texts(), run::toString);
    }

    @Test
    @Timeout(60)
    void thePageIsFetchedInAPoolAndParsedByTheCallbackInTheMainProcess() throws Exception {
        // What the demo's output cannot show: the same lines would come from a main that fetched
        // and parsed the page itself. Run here, the callback prints to this JVM's System.out
        // (a worker's print would not reach it), and the pool's workers are this JVM's children,
        // left running by the original's unclosed pool.
        dev.mp4j.examples.InThisJvm.Run run = dev.mp4j.examples.InThisJvm.run(() -> Crawler.main(new String[0]));
        List<String> lines = run.printed();
        assertEquals(5, lines.stream().filter(l -> l.startsWith("{'index': ")).count(), lines::toString);
        assertEquals(Crawler.PROCESSES, run.leftRunning().size(), run.leftRunning()::toString);
    }
}
