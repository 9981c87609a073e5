package io.customerpulse.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay deletes its checkpoint directory while Flink's own checkpoint clean-up may still be
 * deleting in it (2 of 5 replays of a 7-line input exited 1 with NoSuchFileException).
 */
class DeleteTreeTest {
    private static void tree(Path root) throws Exception {
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(root.resolve("chk-" + d).resolve("shared"));
            for (int f = 0; f < 100; f++) {
                Files.writeString(dir.resolve("file-" + f), "x");
            }
        }
    }

    @RepeatedTest(3)
    void shouldDeleteATreeThatAnotherDeleterIsDeletingToo(@TempDir Path dir) throws Exception {
        Path root = dir.resolve("checkpoints");
        tree(root);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> deleters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t =
                    new Thread(
                            () -> {
                                try {
                                    start.await();
                                    ReplayOutputs.deleteTree(root);
                                } catch (Throwable e) {
                                    failures.add(e);
                                }
                            });
            t.start();
            deleters.add(t);
        }
        start.countDown();
        for (Thread t : deleters) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(root).doesNotExist();
    }

    @Test
    void shouldDoNothingForATreeThatIsNotThere(@TempDir Path dir) {
        ReplayOutputs.deleteTree(dir.resolve("never-written"));
        assertThat(dir.resolve("never-written")).doesNotExist();
    }
}
