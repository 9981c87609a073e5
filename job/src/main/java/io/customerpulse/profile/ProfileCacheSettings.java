package io.customerpulse.profile;

import java.io.Serializable;

/**
 * The bounds of the customer operator's cache of decoded customers, per parallel instance.
 *
 * @param maxCustomers customers kept decoded; past it the least recently used is written back (if
 *     changed) and dropped
 * @param maxDirty changed customers not yet written back; past it the one changed the longest is
 *     written back, so the flush before a checkpoint barrier writes at most this many
 * @param maxWaitingEvents events waiting for the watermark in cached customers; past it the
 *     customers holding them longest are written back (with a timer) and dropped
 */
public record ProfileCacheSettings(int maxCustomers, int maxDirty, int maxWaitingEvents)
        implements Serializable {}
