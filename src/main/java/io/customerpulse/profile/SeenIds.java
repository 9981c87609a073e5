package io.customerpulse.profile;

import io.customerpulse.avro.CustomerEvent;
import io.customerpulse.avro.state.CustomerState;
import io.customerpulse.avro.state.SeenId;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * Bounded de-duplication by event_id (DESIGN section 2): ids are remembered for at least the
 * retention in event time, and at most {@code maxIds} per customer, the oldest forgotten first.
 */
public final class SeenIds implements Serializable {
    private final long retentionMillis;
    private final int maxIds;

    public SeenIds(Duration retention, int maxIds) {
        this.retentionMillis = retention.toMillis();
        this.maxIds = maxIds;
    }

    /**
     * True if the event was seen before (a duplicate); otherwise remembers it and returns false.
     */
    public boolean checkAndRemember(CustomerState s, CustomerEvent e) {
        List<SeenId> seen = s.getSeenIds();
        for (SeenId id : seen) {
            if (id.getId().equals(e.getEventId())) {
                return true;
            }
        }
        long at = e.getEventTime().toEpochMilli();
        int i = seen.size();
        while (i > 0 && seen.get(i - 1).getAt() > at) {
            i--;
        }
        seen.add(i, new SeenId(e.getEventId(), at));
        if (seen.size() > maxIds) {
            seen.remove(0);
        }
        return false;
    }

    /** Forgets ids older than the retention before {@code now}. */
    public void forget(CustomerState s, long now) {
        List<SeenId> seen = s.getSeenIds();
        while (!seen.isEmpty() && seen.get(0).getAt() <= now - retentionMillis) {
            seen.remove(0);
        }
    }
}
