package io.customerpulse.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long and how many event ids are remembered to drop repeats ({@code dedup.*}).
 *
 * @param retention event ids are remembered at least this long in event time
 * @param maxIds at most this many remembered ids per customer (the oldest are forgotten first)
 */
public record DedupSettings(Duration retention, int maxIds) implements Serializable {}
