package io.customerpulse.clv;

import java.io.Serializable;
import java.time.Duration;

/**
 * How the job serves predicted CLV: the horizon and monthly discount of predicted_clv, how often a
 * customer without events is re-scored while a model is served, and how many minor units make one
 * unit of the reporting currency (models are fitted in major units, as the literature's γ).
 */
public record ClvSettings(
        int horizonMonths, double monthlyDiscount, Duration rescoreInterval, long minorPerUnit)
        implements Serializable {}
