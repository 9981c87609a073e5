package io.customerpulse.campaign;

import java.io.Serializable;
import java.time.Duration;

/**
 * Campaign metrics: how often provisional rows are emitted, and the reference values a row is
 * compared with (DESIGN section 7: ACoS at most 25 %, CTR above 0.4 %, CPM $1.8-3.2).
 */
public record CampaignSettings(
        Duration updateInterval, double acosMax, double ctrMin, double cpmMin, double cpmMax)
        implements Serializable {}
