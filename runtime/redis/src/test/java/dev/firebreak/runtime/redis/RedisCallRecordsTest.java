package dev.firebreak.runtime.redis;

import dev.firebreak.runtime.remote.CallRecords;
import dev.firebreak.runtime.remote.CallRecordsContract;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The call records' rules in Redis, on a real Redis on 127.0.0.1. */
class RedisCallRecordsTest extends CallRecordsContract {
  private static LocalRedis local;
  private static int namespaces;

  @BeforeAll
  static void startServer() throws IOException {
    local = LocalRedis.start();
  }

  @AfterAll
  static void stopServer() throws IOException {
    if (local != null) {
      local.close();
    }
  }

  @Override
  protected CallRecords open() {
    return RedisCallRecords.open(local.client(), "calls-" + ++namespaces + ":");
  }
}
