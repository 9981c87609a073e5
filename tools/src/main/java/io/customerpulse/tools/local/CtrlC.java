package io.customerpulse.tools.local;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or a SIGTERM) for a command that started things it must stop itself — a broker, a
 * database child process, a job: the JVM's shutdown hook only asks the main thread to stop, then
 * waits (up to a grace period) until it has closed what it started and {@link #close}d this.
 * Without it the JVM would exit in the middle of stopping them.
 */
public final class CtrlC implements AutoCloseable {
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook;

    /** Installs the hook; {@code grace}: how long an exit waits for {@link #close}. */
    public CtrlC(Duration grace) {
        hook =
                new Thread(
                        () -> {
                            stop.countDown();
                            try {
                                done.await(grace.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "ctrl-c");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Waits up to {@code timeout} for Ctrl-C; whether it came. */
    public boolean await(Duration timeout) throws InterruptedException {
        return stop.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for Ctrl-C. */
    public void await() throws InterruptedException {
        stop.await();
    }

    /** Whether Ctrl-C came. */
    public boolean requested() {
        return stop.getCount() == 0;
    }

    /** Everything is stopped: an exit may go on (or, without Ctrl-C, the hook is removed). */
    @Override
    public void close() {
        done.countDown();
        if (!requested()) {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }
}
