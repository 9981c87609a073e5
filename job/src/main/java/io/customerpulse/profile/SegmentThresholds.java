package io.customerpulse.profile;

import java.io.Serializable;
import java.time.Duration;

/**
 * The configurable limits of DESIGN section 5 (segments) and of orders_90d.
 *
 * @param churnAfter inactivity after which a customer is CHURN_RISK (60 d)
 * @param ordersWindow the window of orders_90d (90 d)
 * @param highValueMinOrders orders_90d needed for HIGH_VALUE (2)
 * @param highValueMinClvMinor historical CLV needed for HIGH_VALUE, reporting minor units (15000)
 * @param highValueMaxReturnRate HIGH_VALUE needs a return rate strictly below this (0.05)
 * @param urgentLookback a churn alert is urgent if HIGH_VALUE within this before (90 d)
 */
public record SegmentThresholds(
        Duration churnAfter,
        Duration ordersWindow,
        int highValueMinOrders,
        long highValueMinClvMinor,
        double highValueMaxReturnRate,
        Duration urgentLookback)
        implements Serializable {}
