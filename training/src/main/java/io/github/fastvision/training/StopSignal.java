package io.github.fastvision.training;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks a running {@link io.github.fastvision.training.loop.TrainingLoop} to stop at its next step
 * boundary, and lets a SIGTERM or Ctrl-C do so safely.
 *
 * <p>Without it the JVM runs its exit sequence while the training thread is inside libtorch (in
 * backward, most of the time), tears the native library down under it and crashes with SIGSEGV.
 * {@link #onShutdown} handles SIGTERM, SIGINT and SIGHUP itself (the flag only; the training thread
 * returns and the command exits) and installs a shutdown hook for every other way the JVM may begin
 * to exit: it raises the flag and then <em>waits</em>, at most the given time, until the training
 * thread has left the step, closed its native arrays and called {@link #close}; only then does the
 * JVM finish exiting (with the signal's status, 143 for SIGTERM).
 */
public final class StopSignal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private static final String[] SIGNALS = {"TERM", "INT", "HUP"};

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook;
    private volatile String reason = "request";

    private StopSignal(Duration wait) {
        if (wait == null) {
            hook = null;
            return;
        }
        long waitMillis = wait.toMillis();
        hook =
                new Thread(
                        () -> {
                            reason = "signal";
                            if (!requested.getAndSet(true)) {
                                LOG.warn("shutting down, stopping at the next step boundary");
                            }
                            try {
                                // Bounded: a wedged training thread must not keep the JVM alive.
                                released.await(waitMillis, TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "fastvision-stop-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
        for (String name : SIGNALS) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), this::onSignal);
            } catch (IllegalArgumentException unsupported) {
                // The JVM reserves this signal here (e.g. run with -Xrs); the hook still covers it.
            }
        }
    }

    private void onSignal(sun.misc.Signal signal) {
        reason = "signal";
        if (!requested.getAndSet(true)) {
            LOG.warn("SIG{}, stopping at the next step boundary", signal.getName());
        }
    }

    /**
     * A stop signal raised only by {@link #request} (tests, embedding applications).
     *
     * @return the signal
     */
    public static StopSignal manual() {
        return new StopSignal(null);
    }

    /**
     * A stop signal raised when the JVM begins to shut down (SIGTERM, SIGINT, SIGHUP); the shutdown
     * then waits for {@link #close}.
     *
     * @param wait how long the shutdown waits at most for the training thread, positive
     * @return the signal; close it when training has ended and its native memory is released
     */
    public static StopSignal onShutdown(Duration wait) {
        if (wait == null || wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("wait must be a positive duration but was " + wait);
        }
        return new StopSignal(wait);
    }

    /** Asks the training to stop at the next step boundary. */
    public void request() {
        requested.set(true);
    }

    /**
     * Whether a stop was asked for.
     *
     * @return true once requested
     */
    public boolean requested() {
        return requested.get();
    }

    /**
     * What asked for the stop.
     *
     * @return "signal" for a shutdown, "request" for {@link #request}
     */
    public String reason() {
        return reason;
    }

    /**
     * Releases a waiting shutdown and, outside a shutdown, removes the hook. Call it after the
     * training's native arrays are closed.
     */
    @Override
    public void close() {
        released.countDown();
        if (hook != null && !requested.get()) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to; the latch above lets it return.
            }
        }
    }
}
