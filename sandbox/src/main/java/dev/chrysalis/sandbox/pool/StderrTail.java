package dev.chrysalis.sandbox.pool;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Drains a worker's standard error, keeping only its last few kilobytes (so floods cannot hurt the parent). */
final class StderrTail implements Runnable {
    private final InputStream in;
    private final byte[] ring;
    private long total;

    StderrTail(InputStream in, int capacity) {
        this.in = in;
        this.ring = new byte[capacity];
    }

    @Override
    public void run() {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                append(buf, n);
            }
        } catch (IOException ignored) {
            // the worker is gone
        }
    }

    private synchronized void append(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            ring[(int) ((total + i) % ring.length)] = buf[i];
        }
        total += n;
    }

    synchronized String text() {
        int size = (int) Math.min(total, ring.length);
        byte[] out = new byte[size];
        long start = total - size;
        for (int i = 0; i < size; i++) {
            out[i] = ring[(int) ((start + i) % ring.length)];
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
