package io.customerpulse.profile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The remembered orders keep time order through adds (in order or not), removals and caps. */
class KnownOrdersTest {
    private record Entry(String id, long at) {}

    @Test
    void shouldKeepTimeOrderWhateverOrderEntriesComeAndGoIn() {
        Random random = new Random(7);
        KnownOrders orders = new KnownOrders();
        List<Entry> model = new ArrayList<>(); // by time, then in the order added
        long clock = 0;
        for (int i = 0; i < 5_000; i++) {
            int op = random.nextInt(10);
            if (op < 6 || model.isEmpty()) { // mostly in order, some earlier, some on one ms
                clock += random.nextInt(3);
                long at = op == 0 ? clock - random.nextInt(100) : clock;
                Entry e = new Entry("o" + i, at);
                byte[] id = bytes(e.id());
                orders.add(id, KnownOrders.hash(id), at, i, 0, 50);
                int p = 0;
                while (p < model.size() && model.get(p).at() <= at) {
                    p++;
                }
                model.add(p, e);
                if (model.size() > 50) { // past the cap the oldest tenth goes at once
                    model.subList(0, model.size() - 45).clear();
                }
            } else if (op < 9) { // any one removed: the last one too
                Entry e =
                        op == 8
                                ? model.get(model.size() - 1)
                                : model.get(random.nextInt(model.size()));
                byte[] id = bytes(e.id());
                orders.remove(orders.find(id, KnownOrders.hash(id)));
                model.remove(e);
            } else {
                long t = clock - random.nextInt(200);
                orders.forget(100, t);
                model.removeIf(e -> e.at() + 100 < t);
            }
            assertThat(entries(orders)).as("after operation %d", i).isEqualTo(model);
            assertThat(entries(orders.copy())).isEqualTo(model);
            // the index of hashes follows: every entry is found, and only those
            for (Entry e : model) {
                byte[] id = bytes(e.id());
                assertThat(orders.find(id, KnownOrders.hash(id))).as(e.id()).isNotNegative();
            }
            String goneId = "o" + (i - 60);
            if (model.stream().noneMatch(e -> e.id().equals(goneId))) {
                byte[] gone = bytes(goneId);
                assertThat(orders.find(gone, KnownOrders.hash(gone))).isEqualTo(-1);
            }
        }
    }

    private static List<Entry> entries(KnownOrders orders) {
        List<Entry> out = new ArrayList<>();
        for (int p = 0; p < orders.length(); p = orders.next(p)) {
            out.add(new Entry(orders.orderId(p), orders.at(p)));
        }
        return out;
    }

    private static byte[] bytes(String id) {
        return id.getBytes(StandardCharsets.UTF_8);
    }
}
