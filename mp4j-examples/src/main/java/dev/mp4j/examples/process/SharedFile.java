package dev.mp4j.examples.process;

import dev.mp4j.process.JvmProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Processes share one file system: seed 002, lines 469-481 ("#多进程共享一套文件系统").
 *
 * <p>Five processes each write their number to the same file {@code a.txt}. The original passes
 * the open file object, which only a forked child inherits; as its own comment says, where that
 * cannot be done (Windows there, a new JVM here) the child gets the file's name and opens it to
 * append. The file lives in a fresh temporary directory, not the working directory, so the demo
 * leaves nothing behind. The original stops there; this twin then joins the five and prints what
 * the file holds (the digits 0-4, in the order the children got to it), then deletes it.
 *
 * <p>The original:
 * <pre>{@code
 * #多进程共享一套文件系统
 * from multiprocessing import Process
 * import time,random
 *
 * def work(f,msg):
 *     f.write(msg)
 *     f.flush()
 *
 *
 * f=open('a.txt','w') #在windows上无法把f当做参数传入,可以传入一个文件名,然后在work内用a+的方式打开文件,进行写入测试
 * for i in range(5):
 *     p=Process(target=work,args=(f,str(i)))
 *     p.start()
 * }</pre>
 * Output (what the twin adds: the file's content once the five have written):
 * <pre>
 * a.txt: 02134
 * </pre>
 */
public final class SharedFile {
    private SharedFile() {
    }

    /** {@code work(f, msg)}, with the file's name for the file: runs in each child. */
    static void work(String file, String msg) throws IOException {
        // "a+": appended, so the five writes land one after another whatever their order.
        Files.writeString(Path.of(file), msg, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("mp4j-demo-");
        Path f = Files.createFile(dir.resolve("a.txt")); // open('a.txt','w'): there and empty
        String name = f.toString();
        List<JvmProcess> processes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String msg = String.valueOf(i);
            JvmProcess p = new JvmProcess(() -> work(name, msg));
            p.start();
            processes.add(p);
        }
        try {
            for (JvmProcess p : processes) {
                p.join();
            }
            System.out.println("a.txt: " + Files.readString(f, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
        }
    }
}
