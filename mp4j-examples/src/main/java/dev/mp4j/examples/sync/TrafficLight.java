package dev.mp4j.examples.sync;

import dev.mp4j.examples.PyTime;
import dev.mp4j.process.JvmProcess;
import dev.mp4j.sync.ProcessEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A traffic light made of an event, with cars that wait for green and police cars that do not:
 * seed 002, lines 940-996 ("python day9 学习整理", "Event").
 *
 * <p>An event is a flag processes can wait on: {@code wait()} blocks while it is false,
 * {@code set()} makes it true and wakes every waiter, {@code clear()} makes it false again. Here
 * the flag is the light: set is green, clear is red. The light process toggles it every 10
 * seconds, starting red. A car that sees red says so, waits for green, drives up for 3-6 seconds
 * and goes ({@code 走你}) if the light is still green, or starts over if it turned red meanwhile.
 * A police car that sees red waits at most one second, then goes whatever the colour, printing
 * the light's state ({@code False}: still red).
 *
 * <p>The twin runs what the tutorial's {@code __main__} runs, five police cars and the light: the
 * police cars leave after one second, on red. The ten cars stay commented out, as there ({@code car}
 * is here, and tested on its own). The light never stops in the original, so neither would the
 * program; the twin's main process joins the police cars, then terminates the light. Seconds, including the
 * police cars' one-second {@code wait}, are {@linkplain PyTime#SECOND scaled}. The colour codes
 * ({@code \033[31m} red, {@code \033[32m} green) are printed as the original means them; the seed
 * lost their backslashes ({@code 33[31m}). Booleans print as Python's {@code True} and
 * {@code False}.
 *
 * <p>The original:
 * <pre>{@code
 * #_*_coding:utf-8_*_
 * #!/usr/bin/env python
 *
 * from multiprocessing import Process,Event
 * import time,random
 *
 * def car(e,n):
 *     while True:
 *         if not e.is_set(): #Flase
 *             print('\033[31m红灯亮\033[0m,car%s等着' %n)
 *             e.wait()
 *             print('\033[32m车%s 看见绿灯亮了\033[0m' %n)
 *             time.sleep(random.randint(3,6))
 *             if not e.is_set():
 *                 continue
 *             print('走你,car', n)
 *             break
 *
 * def police_car(e,n):
 *     while True:
 *         if not e.is_set():
 *             print('\033[31m红灯亮\033[0m,car%s等着' % n)
 *             e.wait(1)
 *             print('灯的是%s,警车走了,car %s' %(e.is_set(),n))
 *             break
 *
 * def traffic_lights(e,inverval):
 *     while True:
 *         time.sleep(inverval)
 *         if e.is_set():
 *             e.clear() #e.is_set() ---->False
 *         else:
 *             e.set()
 *
 * if __name__ == '__main__':
 *     e=Event()
 *     # for i in range(10):
 *     #     p=Process(target=car,args=(e,i,))
 *     #     p.start()
 *
 *     for i in range(5):
 *         p = Process(target=police_car, args=(e, i,))
 *         p.start()
 *     t=Process(target=traffic_lights,args=(e,10))
 *     t.start()
 *
 *     print('============》')
 * }</pre>
 * Output (not shown in the tutorial; derived, with the cars): the main process's line, a red line
 * from each car and police car, the police cars leaving a second later, then, once the light turns
 * green, every car seeing it and each going a few seconds later:
 * <pre>
 * ============》
 * 红灯亮,car0等着
 * ...
 * 灯的是False,警车走了,car 0
 * ...
 * 车3 看见绿灯亮了
 * 车0 看见绿灯亮了
 * ...
 * 走你,car 3
 * ...
 * </pre>
 */
public final class TrafficLight {
    static final String RED = "\033[31m";
    static final String GREEN = "\033[32m";
    static final String RESET = "\033[0m";
    /** How many seconds each colour lasts: {@code args=(e,10)}. */
    static final int INTERVAL = 10;

    private TrafficLight() {
    }

    /** {@code car(e, n)}: runs in each car's child. */
    static void car(ProcessEvent e, int n) throws InterruptedException {
        while (true) {
            if (!e.isSet()) { // false: red
                System.out.println(RED + "红灯亮" + RESET + ",car" + n + "等着");
                e.await();
                System.out.println(GREEN + "车" + n + " 看见绿灯亮了" + RESET);
                PyTime.sleep(ThreadLocalRandom.current().nextInt(3, 7)); // randint(3,6)
                if (!e.isSet()) {
                    continue;
                }
                System.out.println("走你,car " + n);
                break;
            }
            // The original spins here while the light is green (the cars start on red, so it
            // rarely does); the hint keeps such a spin gentle on the other processes' cores.
            Thread.onSpinWait();
        }
    }

    /** {@code police_car(e, n)}: runs in each police car's child. */
    static void policeCar(ProcessEvent e, int n) throws InterruptedException {
        while (true) {
            if (!e.isSet()) {
                System.out.println(RED + "红灯亮" + RESET + ",car" + n + "等着");
                e.await(PyTime.SECOND); // e.wait(1): at most one second, whatever the light says
                System.out.println("灯的是" + pythonBool(e.isSet()) + ",警车走了,car " + n);
                break;
            }
            Thread.onSpinWait(); // as in car()
        }
    }

    /** {@code traffic_lights(e, inverval)}: the light's child; toggles forever. */
    static void trafficLights(ProcessEvent e, int inverval) throws InterruptedException {
        while (true) {
            PyTime.sleep(inverval);
            if (e.isSet()) {
                e.clear(); // e.isSet() is false from here: red
            } else {
                e.set(); // green: wakes every waiting car
            }
        }
    }

    public static void main(String[] args) {
        ProcessEvent e = ProcessEvent.create();
        List<JvmProcess> vehicles = new ArrayList<>();
        // for (int i = 0; i < 10; i++) {
        //     int n = i;
        //     JvmProcess p = new JvmProcess(() -> car(e, n));
        //     p.start();
        // }

        for (int i = 0; i < 5; i++) {
            int n = i;
            JvmProcess p = new JvmProcess(() -> policeCar(e, n));
            p.start();
            vehicles.add(p);
        }
        JvmProcess t = new JvmProcess(() -> trafficLights(e, INTERVAL));
        t.start();

        System.out.println("============》");

        // The original ends here and runs forever, the light being a non-daemon process that
        // never stops. The twin waits until every police car has gone, then switches the light off.
        for (JvmProcess p : vehicles) {
            p.join();
        }
        t.terminate();
        t.join();
    }

    /** How Python's {@code %s} shows a bool. */
    private static String pythonBool(boolean b) {
        return b ? "True" : "False";
    }
}
