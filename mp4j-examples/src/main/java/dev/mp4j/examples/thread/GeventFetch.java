package dev.mp4j.examples.thread;

import com.sun.net.httpserver.HttpServer;
import dev.mp4j.examples.PyTime;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Two pages fetched at once by green threads: seed 000, line 49 ("3,1 Gevent").
 *
 * <p>The original spawns one greenlet per URL ({@code gevent.spawn}), each printing
 * {@code GET:<url>}, fetching the page and printing how many bytes came (its spelling
 * {@code recevied} kept), waits for both ({@code gevent.joinall}) and prints the seconds it all
 * took: about as long as the slower page, not the sum, because a greenlet waiting for the network
 * lets the other run. Java's green threads are virtual threads, and a blocking read in one lets
 * the others run with no monkey-patching.
 *
 * <p>There is no internet here, so the twin serves the two sites' pages itself, on 127.0.0.1,
 * each after two {@linkplain PyTime#SECOND scaled seconds} as a slow site would; the total is
 * about one such wait.
 *
 * <p>The original (its line numbers removed):
 * <pre>{@code
 * from gevent import monkey
 * monkey.patch_all()
 * import gevent
 * from urllib import request
 * import time
 *
 * def xl(url):
 *     print("GET:%s" %url)
 *     res = request.urlopen(url)
 *     data = res.read()
 *     print("%d bytes recevied from %s" %(len(data),url))
 *
 * start = time.time()
 *
 * gevent.joinall([
 *     # gevent.spawn(xl,"http://www.xiaohuar.com"),
 *     gevent.spawn(xl,"http://www.mmjpg.com"),
 *     gevent.spawn(xl,"http://www.fengniao.com")
 * ])
 *
 * print(time.time()-start)
 * }</pre>
 * Output:
 * <pre>
 * GET:http://127.0.0.1:40123/www.mmjpg.com
 * GET:http://127.0.0.1:40123/www.fengniao.com
 * 5120 bytes recevied from http://127.0.0.1:40123/www.mmjpg.com
 * 8192 bytes recevied from http://127.0.0.1:40123/www.fengniao.com
 * 1.0734512
 * </pre>
 */
public final class GeventFetch {
    /** The twin's two sites and the size of the page each serves. */
    static final Map<String, Integer> PAGES = Map.of("/www.mmjpg.com", 5120, "/www.fengniao.com", 8192);
    /** How long each site takes to answer, in the original's seconds. */
    static final long SITE_DELAY_SECONDS = 2;

    private GeventFetch() {
    }

    /** {@code xl(url)}: one green thread's work. */
    static void xl(HttpClient client, String url) throws IOException, InterruptedException {
        System.out.println("GET:" + url);
        HttpResponse<byte[]> res = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        byte[] data = res.body();
        System.out.println(data.length + " bytes recevied from " + url);
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = startServer();
        try (HttpClient client = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()) {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            long start = System.nanoTime();

            List<Thread> greenlets = new ArrayList<>();
            for (String site : List.of("/www.mmjpg.com", "/www.fengniao.com")) {
                greenlets.add(Thread.ofVirtual().start(() -> {
                    try {
                        xl(client, base + site);
                    } catch (IOException | InterruptedException e) {
                        // gevent prints a greenlet's exception and joinall goes on; so does this.
                        System.err.println(e);
                    }
                }));
            }
            for (Thread g : greenlets) { // gevent.joinall
                g.join();
            }

            System.out.println((System.nanoTime() - start) / 1e9);
        } finally {
            server.stop(0);
        }
    }

    /** The two slow sites, on 127.0.0.1: each answers after {@link #SITE_DELAY_SECONDS}. */
    static HttpServer startServer() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // A thread per request, so that the server is not what makes the two fetches wait in turn.
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        for (Map.Entry<String, Integer> page : PAGES.entrySet()) {
            server.createContext(page.getKey(), exchange -> {
                try {
                    PyTime.sleep(SITE_DELAY_SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "x".repeat(page.getValue()).getBytes(StandardCharsets.US_ASCII);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
        }
        server.start();
        return server;
    }
}
