package dev.mp4j.examples.pool;

import com.sun.net.httpserver.HttpServer;
import dev.mp4j.examples.PyRepr;
import dev.mp4j.pool.AsyncResult;
import dev.mp4j.pool.ProcessPool;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A crawler: workers download a page, a callback in the main process parses it: seed 002, lines
 * 1324-1366 ("python day9 学习整理", section "回调函数(apply_async的扩展用法)", "爬虫案例").
 *
 * <p>{@code get_page(url, pattern)} fetches a page with {@code requests} in a pool worker and, if
 * the status is 200, returns the page's text together with the regular expression for it;
 * {@code parse_page}, the callback, runs in the main process, finds every film in the text with
 * that expression and prints a dict per film: rank, title, actors (without the leading
 * {@code 主演：}), release date (without {@code 上映时间：}) and score (the integer and fraction
 * parts joined). The main process waits for each result with {@code get()}; it never closes the
 * pool, whose workers die with it.
 *
 * <p>The original crawled {@code http://maoyan.com/board/7}, a page of the Maoyan film site. The
 * twin needs no network: it serves a page of the same shape (its first films are the top of
 * Maoyan's TOP100 board) from a small HTTP server it starts on 127.0.0.1, JDK's
 * {@link HttpServer}, and its workers fetch it with the JDK's {@link HttpClient}. The page and
 * the pattern travel as the original's tuple does, here a {@link Page} record (a
 * {@link Pattern} is serializable). The seed lost the backslash of {@code (\d+)}; it is restored.
 * A film prints as Python prints a dict ({@link dev.mp4j.examples.PyRepr}),
 * {@code {'index': '1', 'title': '霸王别姬', ...}}. {@code apply_async(..., callback=parse_page)} is
 * {@link ProcessPool#applyAsync(dev.mp4j.serial.SerializableCallable, java.util.function.Consumer,
 * java.util.function.Consumer) applyAsync(task, callback, errorCallback)}, and {@code get()} also
 * waits for the callback, in Python and here. The pool has {@value #PROCESSES} workers, the four
 * CPUs such tutorials assume, where {@code Pool()} has one per CPU.
 *
 * <p>The original:
 * <pre>{@code
 * from multiprocessing import Pool
 * import time,random
 * import requests
 * import re
 *
 * def get_page(url,pattern):
 *     response=requests.get(url)
 *     if response.status_code == 200:
 *         return (response.text,pattern)
 *
 * def parse_page(info):
 *     page_content,pattern=info
 *     res=re.findall(pattern,page_content)
 *     for item in res:
 *         dic={
 *             'index':item[0],
 *             'title':item[1],
 *             'actor':item[2].strip()[3:],
 *             'time':item[3][5:],
 *             'score':item[4]+item[5]
 *
 *         }
 *         print(dic)
 * if __name__ == '__main__':
 *     pattern1=re.compile(r'<dd>.*?board-index.*?>(\d+)<.*?title="(.*?)".*?star.*?>(.*?)<.*?releasetime.*?>(.*?)<.*?integer.*?>(.*?)<.*?fraction.*?>(.*?)<',re.S)
 *
 *     url_dic={
 *         'http://maoyan.com/board/7':pattern1,
 *     }
 *
 *     p=Pool()
 *     res_l=[]
 *     for url,pattern in url_dic.items():
 *         res=p.apply_async(get_page,args=(url,pattern),callback=parse_page)
 *         res_l.append(res)
 *
 *     for i in res_l:
 *         i.get()
 *
 *     # res=requests.get('http://maoyan.com/board/7')
 *     # print(re.findall(pattern,res.text))
 * }</pre>
 * Output (not shown in the tutorial; the twin's, from the page it serves):
 * <pre>
 * {'index': '1', 'title': '霸王别姬', 'actor': '张国荣,张丰毅,巩俐', 'time': '1993-01-01', 'score': '9.5'}
 * {'index': '2', 'title': '肖申克的救赎', 'actor': '蒂姆·罗宾斯,摩根·弗里曼,鲍勃·冈顿', 'time': '1994-10-14(美国)', 'score': '9.5'}
 * ...
 * </pre>
 */
public final class Crawler {
    /** {@code Pool()}: one worker per CPU there, four here (see the class comment). */
    static final int PROCESSES = 4;
    /** Where the twin's server serves its page, the path of the original's url. */
    static final String PATH = "/board/7";
    private Crawler() {
    }

    /** The original's {@code (response.text, pattern)} tuple. */
    record Page(String text, Pattern pattern) implements Serializable {
    }

    /** {@code get_page(url, pattern)}: runs in a worker. */
    static Page getPage(String url, Pattern pattern) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return new Page(response.body(), pattern);
            }
            return null; // as the original, which falls off the end and returns None
        }
    }

    /** {@code parse_page(info)}: the callback, run in the main process. */
    static void parsePage(Page info) {
        String pageContent = info.text();
        Pattern pattern = info.pattern();
        Matcher item = pattern.matcher(pageContent);
        while (item.find()) { // re.findall, one match at a time
            Map<String, String> dic = new LinkedHashMap<>();
            dic.put("index", item.group(1));
            dic.put("title", item.group(2));
            dic.put("actor", item.group(3).strip().substring(3)); // without 主演：
            dic.put("time", item.group(4).substring(5)); // without 上映时间：
            dic.put("score", item.group(5) + item.group(6));
            System.out.println(PyRepr.repr(dic)); // print(dic), as Python shows a dict
        }
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = startServer();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Pattern pattern1 = Pattern.compile("<dd>.*?board-index.*?>(\\d+)<.*?title=\"(.*?)\".*?star.*?>(.*?)<"
                    + ".*?releasetime.*?>(.*?)<.*?integer.*?>(.*?)<.*?fraction.*?>(.*?)<", Pattern.DOTALL); // re.S

            Map<String, Pattern> urlDic = new LinkedHashMap<>();
            urlDic.put(base + PATH, pattern1);

            // Never closed, like the original's: its workers are daemon processes and end with
            // the main process.
            ProcessPool p = ProcessPool.create(PROCESSES);
            List<AsyncResult<Page>> resL = new ArrayList<>();
            for (Map.Entry<String, Pattern> e : urlDic.entrySet()) {
                String url = e.getKey();
                Pattern pattern = e.getValue();
                AsyncResult<Page> res = p.applyAsync(() -> getPage(url, pattern), Crawler::parsePage, null);
                resL.add(res);
            }

            for (AsyncResult<Page> i : resL) {
                i.get();
            }
        } finally {
            server.stop(0);
        }
    }

    /** The twin's stand-in for maoyan.com: one page in the shape of its boards, on 127.0.0.1. */
    static HttpServer startServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(PATH, exchange -> {
            byte[] body = BOARD.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    /** One {@code <dd>} of the board, as the site wrote them. */
    private static String film(int index, String title, String actors, String released, String integer, String fraction) {
        return """
                <dd>
                    <i class="board-index board-index-%1$d">%1$d</i>
                    <a href="/films/%1$d" title="%2$s" class="image-link" data-act="boarditem-click">
                      <img data-src="/posters/%1$d.jpg" alt="%2$s" class="board-img" />
                    </a>
                    <div class="board-item-main">
                      <div class="board-item-content">
                        <div class="movie-item-info">
                          <p class="name"><a href="/films/%1$d" title="%2$s" data-act="boarditem-click">%2$s</a></p>
                          <p class="star">
                                  主演：%3$s
                          </p>
                          <p class="releasetime">上映时间：%4$s</p>
                        </div>
                        <div class="movie-item-number score-num">
                          <p class="score"><i class="integer">%5$s</i><i class="fraction">%6$s</i></p>
                        </div>
                      </div>
                    </div>
                </dd>
                """.formatted(index, title, actors, released, integer, fraction);
    }

    private static final String BOARD = """
            <!DOCTYPE html>
            <html>
            <head><meta charset="utf-8"><title>TOP100榜 - 猫眼电影</title></head>
            <body>
            <dl class="board-wrapper">
            """
            + film(1, "霸王别姬", "张国荣,张丰毅,巩俐", "1993-01-01", "9.", "5")
            + film(2, "肖申克的救赎", "蒂姆·罗宾斯,摩根·弗里曼,鲍勃·冈顿", "1994-10-14(美国)", "9.", "5")
            + film(3, "罗马假日", "格利高里·派克,奥黛丽·赫本,埃迪·艾伯特", "1953-09-02(美国)", "9.", "1")
            + film(4, "这个杀手不太冷", "让·雷诺,加里·奥德曼,娜塔莉·波特曼", "1994-09-14(法国)", "9.", "5")
            + film(5, "泰坦尼克号", "莱昂纳多·迪卡普里奥,凯特·温丝莱特,比利·赞恩", "1998-04-03", "9.", "5")
            + """
            </dl>
            </body>
            </html>
            """;
}
