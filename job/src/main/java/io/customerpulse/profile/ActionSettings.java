package io.customerpulse.profile;

import java.io.Serializable;
import java.time.Duration;

/**
 * The configurable rules of DESIGN section 11 (lifecycle actions), with the design's defaults.
 *
 * @param reviewDelay a review request is due this long after the order's first delivery (5 d)
 * @param reviewExpireAfter a review request first due later than this after delivery is EXPIRED (30
 *     d)
 * @param rewardCooldown a reward within this before another is COOLDOWN (90 d)
 * @param complaintHold a complaint or a low rating within this before holds a reward or a reminder
 *     (30 d)
 * @param complaintMaxRating a FEEDBACK rating at or below this is a complaint (2)
 * @param marketingCap one marketing action DUE per customer within this (7 d)
 * @param reminderLead a repurchase reminder comes this long before the usual gap is over (3 d)
 * @param reminderMinAfterOrder and not sooner than this after the last order (1 d)
 * @param reminderDefaultGap the gap of a customer with one order (30 d)
 * @param maxDeliveries deliveries remembered per customer; past it the oldest decided one is
 *     forgotten first (100)
 */
public record ActionSettings(
        Duration reviewDelay,
        Duration reviewExpireAfter,
        Duration rewardCooldown,
        Duration complaintHold,
        int complaintMaxRating,
        Duration marketingCap,
        Duration reminderLead,
        Duration reminderMinAfterOrder,
        Duration reminderDefaultGap,
        int maxDeliveries)
        implements Serializable {}
