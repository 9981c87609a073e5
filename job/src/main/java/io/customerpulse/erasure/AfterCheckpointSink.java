package io.customerpulse.erasure;

import io.customerpulse.avro.CustomerErasure;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Acts on customer erasures (DESIGN section 13) once the checkpoint that covers them is complete:
 * deletes the customer's rows up to the erasure. Every row of the customer from before the erasure
 * went to the PostgreSQL sinks before that checkpoint's barrier (they flush before it; checkpoints
 * are aligned: the job refuses unaligned ones), so acting after the checkpoint (Flink's committer,
 * on notifyCheckpointComplete) comes after all of them: a deletion never races a row that would
 * bring the customer back, and rows of a later history, after the erasure's time, are not touched.
 * The erasures of a completed checkpoint not yet acted on when the job fails are restored with it
 * and acted on again; the action is idempotent. At the end of a bounded input Flink commits what is
 * left. (The Kafka tombstone needs none of this: it goes in the profiles' own order, see {@code
 * KafkaSinks}.)
 */
public final class AfterCheckpointSink
        implements Sink<CustomerErasure>, SupportsCommitter<CustomerErasure> {
    private static final long serialVersionUID = 1L;

    /** What to do with the erasures of a completed checkpoint; built where it runs. */
    public interface Action extends AutoCloseable {
        void apply(List<CustomerErasure> erasures) throws IOException, InterruptedException;

        @Override
        void close();
    }

    /** Builds the action on the TaskManager (its connections, and secrets, stay there). */
    public interface ActionFactory extends Serializable {
        Action create();
    }

    private final ActionFactory factory;

    public AfterCheckpointSink(ActionFactory factory) {
        this.factory = factory;
    }

    @Override
    public SinkWriter<CustomerErasure> createWriter(WriterInitContext context) {
        return new Writer();
    }

    @Override
    public Committer<CustomerErasure> createCommitter(CommitterInitContext context) {
        return new ActingCommitter(factory);
    }

    @Override
    public SimpleVersionedSerializer<CustomerErasure> getCommittableSerializer() {
        return new ErasureSerializer();
    }

    /** Holds the erasures until the next checkpoint barrier hands them to the committer. */
    private static final class Writer
            implements CommittingSinkWriter<CustomerErasure, CustomerErasure> {
        private final List<CustomerErasure> pending = new ArrayList<>();

        @Override
        public void write(CustomerErasure erasure, Context context) {
            pending.add(erasure);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public Collection<CustomerErasure> prepareCommit() {
            List<CustomerErasure> out = new ArrayList<>(pending);
            pending.clear();
            return out;
        }

        @Override
        public void close() {}
    }

    /**
     * Acts on every erasure of a completed checkpoint; a failure fails the job (and it retries).
     */
    private static final class ActingCommitter implements Committer<CustomerErasure> {
        private final ActionFactory factory;
        private Action action;

        ActingCommitter(ActionFactory factory) {
            this.factory = factory;
        }

        @Override
        public void commit(Collection<CommitRequest<CustomerErasure>> requests)
                throws IOException, InterruptedException {
            if (requests.isEmpty()) {
                return;
            }
            List<CustomerErasure> erasures = new ArrayList<>(requests.size());
            requests.forEach(r -> erasures.add(r.getCommittable()));
            if (action == null) {
                action = factory.create();
            }
            action.apply(erasures);
        }

        @Override
        public void close() {
            if (action != null) {
                action.close();
            }
        }
    }

    /** An erasure as checkpointed: customer id, time, request id. */
    static final class ErasureSerializer implements SimpleVersionedSerializer<CustomerErasure> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(CustomerErasure e) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64);
            out.writeUTF(e.getCustomerId());
            out.writeLong(e.getErasedAt().toEpochMilli());
            out.writeUTF(e.getRequestId());
            return out.getCopyOfBuffer();
        }

        @Override
        public CustomerErasure deserialize(int version, byte[] bytes) throws IOException {
            if (version != 1) {
                throw new IOException("unknown erasure committable version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(bytes);
            return new CustomerErasure(
                    in.readUTF(), java.time.Instant.ofEpochMilli(in.readLong()), in.readUTF());
        }
    }
}
