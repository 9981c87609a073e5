package io.customerpulse.ingest;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What an input event must satisfy to be applied, and how its amounts are converted (README,
 * "Inputs and validation").
 *
 * @param currencyRates reporting-currency units per unit of each accepted currency (the reporting
 *     currency itself at 1)
 * @param maxAmountMinor the largest amount accepted, in reporting-currency minor units
 * @param minEventTime events before it are rejected
 * @param maxAhead events further ahead of the wall clock are rejected
 * @param maxIdLength the longest id accepted
 */
public record ValidationSettings(
        Map<String, BigDecimal> currencyRates,
        long maxAmountMinor,
        Instant minEventTime,
        Duration maxAhead,
        int maxIdLength)
        implements Serializable {}
