package io.customerpulse.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * How event time moves (DESIGN section 3; {@code watermark.*}).
 *
 * @param maxOutOfOrderness the bound: how long an event may wait for earlier ones
 * @param idleness a partition quiet this long stops holding the watermark back (0: never)
 * @param wallClockMaxDelay live mode: a quiet partition advances with the wall clock minus this (0:
 *     off)
 * @param wallClockTolerance live mode: event time never runs further ahead of the wall clock
 */
public record WatermarkSettings(
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration wallClockMaxDelay,
        Duration wallClockTolerance)
        implements Serializable {}
