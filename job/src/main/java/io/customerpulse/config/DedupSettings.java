package io.customerpulse.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long and how many event ids and order ids are remembered to drop repeats ({@code dedup.*}).
 *
 * @param retention event ids are remembered at least this long in event time
 * @param maxIds at most this many remembered ids per customer (the oldest are forgotten first)
 * @param orderRetention an order_id is remembered this long after the order's time: a repeat of it
 *     is not counted again, and its refunds are capped at its total
 * @param maxOrderIds at most this many remembered orders per customer (the oldest first)
 */
public record DedupSettings(
        Duration retention, int maxIds, Duration orderRetention, int maxOrderIds)
        implements Serializable {}
