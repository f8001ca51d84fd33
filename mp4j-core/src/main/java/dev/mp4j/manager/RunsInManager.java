package dev.mp4j.manager;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a default method of a managed interface that a proxy forwards to the manager (where it
 * runs against the real object, atomically) instead of running it in the caller. Default methods
 * without it run in the caller, on top of the forwarded abstract methods.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@interface RunsInManager {
}
