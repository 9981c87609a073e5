package io.customerpulse.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long a customer's state lives and how large it may grow (DESIGN section 13). Each cap says in
 * {@link ConfigKey} what happens past it; docs/operations.md ("State stays bounded") lists them
 * with the caps of the other per-customer lists.
 *
 * @param inactiveAfter a customer with no event for this long is expired by their own timer
 * @param maxOrders90d order times kept for orders_90d
 * @param maxCreditedOrders credited orders kept for the return window
 * @param maxWaitingEvents events of one customer waiting for the watermark
 * @param erasureRemember how long an erased customer's erasure time is kept (processing time), so
 *     that their events at or before it arriving later are dropped
 */
public record RetentionSettings(
        Duration inactiveAfter,
        int maxOrders90d,
        int maxCreditedOrders,
        int maxWaitingEvents,
        Duration erasureRemember)
        implements Serializable {}
