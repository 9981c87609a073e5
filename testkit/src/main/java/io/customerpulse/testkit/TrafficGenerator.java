package io.customerpulse.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A seeded simulation of a marketplace seller's traffic, in event-time order, as replay-format
 * events (maps of the Avro field names plus {@code type}). Customers arrive, browse in sessions at
 * their own rate (gamma-distributed), see sponsored-ad impressions (CTR about 0.4 %, CPC about
 * $0.89), sometimes order (more often after a click), sometimes return an order, and drop out after
 * an order with their own probability (beta-distributed) — so some become high value, some repeat
 * buyers, and many go quiet and churn. Anonymous impressions come too. Same seed, same stream.
 *
 * <p>After an order comes what follows it (DESIGN sections 11 and 12): shipment and delivery (a few
 * parcels are never delivered), feedback with a rating (mostly 5, some 1 or 2), now and then a
 * complaint, and buyer messages with the seller's replies — most within 24 hours, some late, some
 * never. These draw from a random of their own, with ids and sequence numbers of their own ({@code
 * gl-}), so that the rest of a seed's stream is the same as before they were added.
 */
public final class TrafficGenerator {
    /** Sponsored-products campaigns with their relative click-through. */
    private static final String[] CAMPAIGNS = {
        "SP-brand", "SP-auto", "SP-exact", "SP-broad", "SD-retarget"
    };

    private static final double[] CAMPAIGN_CTR = {0.0060, 0.0035, 0.0055, 0.0025, 0.0040};
    private static final String[][] MARKETS = {
        {"US", "USD", "1.0"},
        {"US", "USD", "1.0"},
        {"US", "USD", "1.0"},
        {"CA", "CAD", "1.37"},
        {"UK", "GBP", "0.79"},
        {"DE", "EUR", "0.93"},
        {"JP", "JPY", "150"}
    };
    private static final long DAY = 86_400_000L;

    private final SplittableRandom random;
    private final SplittableRandom after; // what follows an order
    private long nextAfterId;
    private static final String[] CARRIERS = {"AMZL", "UPS", "USPS", "DHL"};
    private final double arrivalsPerDay;
    private final PriorityQueue<Due> queue = new PriorityQueue<>();
    private long nextId;
    private long nextCustomer;

    private record Due(long at, long seq, Customer customer, Map<String, Object> event)
            implements Comparable<Due> {
        @Override
        public int compareTo(Due o) {
            int c = Long.compare(at, o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private static final class Customer {
        final String id;
        final double sessionsPerDay;
        final double orderChance;
        final double dropout;
        final String[] market;
        boolean active = true;
        final List<String> orders = new ArrayList<>();

        Customer(
                String id,
                double sessionsPerDay,
                double orderChance,
                double dropout,
                String[] market) {
            this.id = id;
            this.sessionsPerDay = sessionsPerDay;
            this.orderChance = orderChance;
            this.dropout = dropout;
            this.market = market;
        }
    }

    /**
     * @param start simulated time of the first event
     * @param arrivalsPerDay new customers per simulated day
     */
    public TrafficGenerator(long seed, Instant start, double arrivalsPerDay) {
        this.random = new SplittableRandom(seed);
        this.after = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.arrivalsPerDay = arrivalsPerDay;
        schedule(start.toEpochMilli(), null, null); // the first arrival
    }

    /** The next event, in time order (equal times in creation order). */
    public Map<String, Object> next() {
        while (true) {
            Due due = queue.poll();
            if (due.event() != null) {
                return due.event();
            }
            if (due.customer() == null) {
                arrive(due.at());
            } else if (due.customer().active) {
                session(due.customer(), due.at());
            }
        }
    }

    /** Simulated time of the next event. */
    public long peekTime() {
        return queue.peek().at();
    }

    private void arrive(long at) {
        String[] market = MARKETS[random.nextInt(MARKETS.length)];
        Customer c =
                new Customer(
                        "cust-" + (++nextCustomer),
                        gamma(1.5, 0.12 / 1.5),
                        Math.min(0.9, beta(2, 6)),
                        beta(1.5, 4),
                        market);
        schedule(at + exp(c.sessionsPerDay) / 2, c, null);
        schedule(at + exp(arrivalsPerDay), null, null);
        for (int i = poisson(3); i > 0; i--) { // anonymous shoppers see ads too
            schedule(
                    at + (long) (random.nextDouble() * DAY / arrivalsPerDay),
                    null,
                    ad(null, at, "IMPRESSION", random.nextInt(CAMPAIGNS.length), market));
        }
    }

    private void session(Customer c, long at) {
        long t = at;
        emit(t, interaction(c, t, "PAGE_VIEW", null));
        boolean clicked = false;
        for (int i = poisson(5); i > 0; i--) {
            t += 1_000 + random.nextInt(20_000);
            int campaign = random.nextInt(CAMPAIGNS.length);
            emit(t, ad(c.id, t, "IMPRESSION", campaign, c.market));
            if (random.nextDouble() < CAMPAIGN_CTR[campaign]) {
                t += 500 + random.nextInt(3_000);
                emit(t, ad(c.id, t, "CLICK", campaign, c.market));
                clicked = true;
            }
        }
        double chance = clicked ? Math.min(0.95, c.orderChance * 3) : c.orderChance;
        if (random.nextDouble() < chance) {
            t += 60_000 + random.nextInt(1_800_000);
            if (random.nextInt(3) == 0) {
                emit(t - 30_000, interaction(c, t - 30_000, "ADD_TO_CART", null));
            }
            String orderId = "ord-" + (++nextId);
            long value = Math.max(199, Math.round(Math.exp(Math.log(5_500) + 0.7 * gaussian())));
            emit(t, order(c, t, orderId, value));
            c.orders.add(orderId);
            afterOrder(c, t, orderId);
            if (random.nextDouble() < 0.08) {
                long back = t + (2 + random.nextInt(19)) * DAY + random.nextInt((int) DAY);
                schedule(back, null, refund(c, back, orderId, value));
            }
            if (random.nextDouble() < 0.15) {
                long review = t + (3 + random.nextInt(10)) * DAY;
                schedule(review, null, interaction(c, review, "REVIEW", 1 + random.nextInt(5)));
            }
            if (random.nextDouble() < c.dropout) {
                c.active = false; // goes quiet for good: churns 60 days later
                return;
            }
        } else if (c.orders.isEmpty() && random.nextDouble() < 0.12) {
            c.active = false; // a prospect who never comes back
            return;
        }
        schedule(t + exp(c.sessionsPerDay), c, null);
    }

    /** Shipment, delivery, feedback, complaint, messages and replies of an order placed at t. */
    private void afterOrder(Customer c, long t, String orderId) {
        long shipped = t + hours(4, 48);
        String carrier = CARRIERS[after.nextInt(CARRIERS.length)];
        follow(shipped, shipment(c, shipped, orderId, "SHIPPED", carrier));
        long delivered = shipped + hours(24, 5 * 24);
        if (after.nextDouble() < 0.97) { // else lost on the way
            follow(delivered, shipment(c, delivered, orderId, "DELIVERED", carrier));
        }
        if (after.nextDouble() < 0.12) {
            long at = delivered + hours(2, 14 * 24);
            double u = after.nextDouble();
            int rating = u < 0.80 ? 5 : u < 0.90 ? 4 : u < 0.94 ? 3 : u < 0.97 ? 2 : 1;
            follow(at, lifecycle(c, at, "FEEDBACK", orderId).rating(rating));
        }
        if (after.nextDouble() < 0.01) {
            long at = delivered + hours(1, 10 * 24);
            follow(at, lifecycle(c, at, "COMPLAINT", orderId));
        }
        if (after.nextDouble() < 0.08) {
            long asked = t + hours(0, 3 * 24);
            Lifecycle message = lifecycle(c, asked, "MESSAGE", orderId);
            follow(asked, message);
            double u = after.nextDouble();
            if (u < 0.95) { // 85 % within 24 h, 10 % late, 5 % never
                long replied = asked + (u < 0.85 ? hours(0, 23) : hours(25, 72));
                Lifecycle reply = lifecycle(c, replied, "SELLER_REPLY", orderId);
                reply.event.put("reply_to", message.event.get("event_id"));
                follow(replied, reply);
            }
        }
    }

    /** A random time between {@code from} and {@code to} hours, in milliseconds. */
    private long hours(int from, int to) {
        return (long) ((from + after.nextDouble() * (to - from)) * 3_600_000L);
    }

    /** An event that follows an order: its own id and a sequence number before every other's. */
    private void follow(long at, Lifecycle event) {
        queue.add(new Due(at, -(++nextAfterId), null, event.event));
    }

    private record Lifecycle(Map<String, Object> event) {
        Lifecycle rating(int rating) {
            event.put("rating", rating);
            return this;
        }
    }

    private Lifecycle lifecycle(Customer c, long at, String type, String orderId) {
        Map<String, Object> e = base("interaction", "gl-" + (++nextAfterId), c.id, at, c.market);
        e.put("interaction_type", type);
        e.put("order_id", orderId);
        return new Lifecycle(e);
    }

    private Lifecycle shipment(Customer c, long at, String orderId, String status, String carrier) {
        Map<String, Object> e = base("shipment", "gl-" + (++nextAfterId), c.id, at, c.market);
        e.put("order_id", orderId);
        e.put("status", status);
        e.put("carrier", carrier);
        return new Lifecycle(e);
    }

    private void emit(long at, Map<String, Object> event) {
        schedule(at, null, event);
    }

    private void schedule(long at, Customer c, Map<String, Object> event) {
        queue.add(new Due(at, nextId++, c, event));
    }

    private Map<String, Object> base(String type, String customer, long at, String[] market) {
        return base(type, "g-" + (++nextId), customer, at, market);
    }

    private static Map<String, Object> base(
            String type, String eventId, String customer, long at, String[] market) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("type", type);
        e.put("event_id", eventId);
        e.put("customer_id", customer);
        e.put("event_time", Instant.ofEpochMilli(at).toString());
        e.put("marketplace", market[0]);
        return e;
    }

    private Map<String, Object> ad(
            String customer, long at, String type, int campaign, String[] market) {
        Map<String, Object> e = base("ad", customer, at, market);
        e.put("ad_type", type);
        e.put("campaign_id", CAMPAIGNS[campaign]);
        e.put("ad_group_id", CAMPAIGNS[campaign] + "-g1");
        e.put("asin", "B0" + (1000 + random.nextInt(40)));
        long cents =
                type.equals("CLICK")
                        ? Math.max(20, Math.round(Math.exp(Math.log(89) + 0.35 * gaussian())))
                        : 0;
        e.put("cost_minor", local(cents, market));
        e.put("currency", market[1]);
        return e;
    }

    private Map<String, Object> order(Customer c, long at, String orderId, long usdCents) {
        Map<String, Object> e = base("order", c.id, at, c.market);
        long total = local(usdCents, c.market);
        e.put("order_id", orderId);
        e.put(
                "lines",
                List.of(
                        Map.of(
                                "asin",
                                "B0" + (1000 + random.nextInt(40)),
                                "quantity",
                                1,
                                "unit_price_minor",
                                total)));
        e.put("total_minor", total);
        e.put("currency", c.market[1]);
        e.put("fulfillment", random.nextInt(4) == 0 ? "FBM" : "FBA");
        e.put("is_prime", random.nextBoolean());
        return e;
    }

    private Map<String, Object> refund(Customer c, long at, String orderId, long usdCents) {
        Map<String, Object> e = base("return", c.id, at, c.market);
        e.put("order_id", orderId);
        e.put("refund_minor", local(usdCents, c.market));
        e.put("currency", c.market[1]);
        e.put("reason", random.nextBoolean() ? "DEFECTIVE" : "NOT_AS_DESCRIBED");
        return e;
    }

    private Map<String, Object> interaction(Customer c, long at, String type, Integer rating) {
        Map<String, Object> e = base("interaction", c.id, at, c.market);
        e.put("interaction_type", type);
        e.put("asin", "B0" + (1000 + random.nextInt(40)));
        e.put("rating", rating);
        return e;
    }

    /** USD cents in the market's currency minor units (JPY has none). */
    private static long local(long usdCents, String[] market) {
        double rate = Double.parseDouble(market[2]);
        return market[1].equals("JPY")
                ? Math.round(usdCents / 100.0 * rate)
                : Math.round(usdCents * rate);
    }

    private long exp(double perDay) {
        return (long) (-Math.log(1 - random.nextDouble()) / perDay * DAY);
    }

    private int poisson(double mean) {
        int k = 0;
        double p = Math.exp(-mean);
        double s = p;
        double u = random.nextDouble();
        while (u > s) {
            k++;
            p *= mean / k;
            s += p;
        }
        return k;
    }

    private double gaussian() {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble()))
                * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** Gamma(shape, scale) by Marsaglia and Tsang (shape >= 1). */
    private double gamma(double shape, double scale) {
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x = gaussian();
            double v = Math.pow(1 + c * x, 3);
            if (v > 0
                    && Math.log(1 - random.nextDouble())
                            < 0.5 * x * x + d - d * v + d * Math.log(v)) {
                return d * v * scale;
            }
        }
    }

    private double beta(double a, double b) {
        double x = gamma(a + 1, 1) * Math.pow(random.nextDouble(), 1 / a);
        double y = gamma(b + 1, 1) * Math.pow(random.nextDouble(), 1 / b);
        return x / (x + y);
    }

    /** For documentation and tests: how long a simulated day is. */
    public static Duration day() {
        return Duration.ofMillis(DAY);
    }
}
