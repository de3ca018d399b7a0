package dev.firebreak.runtime.bus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bus in this process's memory, for tests of what runs over a transport (not of transports):
 * records kept per topic for good, each group reading a topic from its start and handing each
 * record to one of its unpaused members in turn, listeners reading from when they began. Records
 * are delivered one at a time on a thread of its own; acknowledging does nothing (no redelivery).
 */
public final class LocalTransport implements Transport {
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, List<Record>> topics = new HashMap<>();
  private final List<Member> members = new ArrayList<>();
  private final Map<String, Integer> groupCursors = new HashMap<>();
  private final ExecutorService delivery =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread t = new Thread(task, "local-transport");
            t.setDaemon(true);
            return t;
          });

  private record Record(String topic, String key, byte[] value, int position) {}

  /** A group member (group non-null) or a listener (group null, {@code cursor} its own). */
  private final class Member implements Subscription {
    final String topic;
    final String group;
    final Receiver receiver;
    int cursor;
    boolean paused;
    boolean closed;

    Member(String topic, String group, Receiver receiver, int cursor) {
      this.topic = topic;
      this.group = group;
      this.receiver = receiver;
      this.cursor = cursor;
    }

    @Override
    public void pause() {
      changed(() -> paused = true);
    }

    @Override
    public void resume() {
      changed(() -> paused = false);
    }

    @Override
    public void close() {
      changed(() -> closed = true);
    }
  }

  private void changed(Runnable change) {
    lock.lock();
    try {
      change.run();
    } finally {
      lock.unlock();
    }
    delivery.execute(this::deliverAll);
  }

  @Override
  public CompletionStage<Void> publish(String topic, String key, byte[] value) {
    changed(
        () -> {
          List<Record> records = topics.computeIfAbsent(topic, t -> new ArrayList<>());
          records.add(new Record(topic, key, value.clone(), records.size()));
        });
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Subscription subscribe(String topic, String group, Receiver receiver) {
    Member m = new Member(topic, group, receiver, 0);
    changed(() -> members.add(m));
    return m;
  }

  @Override
  public Subscription listen(String topic, Receiver receiver) {
    Member[] m = new Member[1];
    changed(
        () -> {
          m[0] = new Member(topic, null, receiver, topics.getOrDefault(topic, List.of()).size());
          members.add(m[0]);
        });
    return m[0];
  }

  /** On the delivery thread: hands out every record not yet delivered. */
  private void deliverAll() {
    while (true) {
      Member to;
      Record record;
      lock.lock();
      try {
        to = null;
        record = null;
        for (Member m : members) {
          if (m.closed || m.paused) {
            continue;
          }
          List<Record> records = topics.getOrDefault(m.topic, List.of());
          String cursorKey = m.topic + "#" + m.group;
          int cursor = m.group == null ? m.cursor : groupCursors.getOrDefault(cursorKey, 0);
          if (cursor < records.size()) {
            to = m;
            record = records.get(cursor);
            if (m.group == null) {
              m.cursor++;
            } else {
              groupCursors.put(cursorKey, cursor + 1);
              members.remove(m); // to the back: the group's next record goes to another member
              members.add(m);
            }
            break;
          }
        }
      } finally {
        lock.unlock();
      }
      if (to == null) {
        return;
      }
      Record r = record;
      to.receiver.receive(
          new Delivery() {
            @Override
            public String topic() {
              return r.topic();
            }

            @Override
            public String key() {
              return r.key();
            }

            @Override
            public byte[] value() {
              return r.value();
            }

            @Override
            public String position() {
              return String.valueOf(r.position());
            }

            @Override
            public void ack() {}
          });
    }
  }

  @Override
  public void close() {
    delivery.shutdown();
  }
}
