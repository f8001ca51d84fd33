/**
 * The seeds' thread and coroutine programs, which they show next to processes: Java threads
 * for Python's {@code threading}, virtual threads and a hand-off for generators and gevent. Java
 * threads have no GIL, so the busy-loop program that cannot fill two cores in Python fills them
 * all here; processes are for isolation, hard limits and separate heaps, not for using the cores.
 */
package dev.mp4j.examples.thread;
