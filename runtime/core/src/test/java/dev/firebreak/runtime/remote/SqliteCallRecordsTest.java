package dev.firebreak.runtime.remote;

import dev.firebreak.runtime.store.SqliteCallRecords;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteCallRecordsTest extends CallRecordsContract {
  @TempDir Path dir;
  private int files;

  @Override
  protected CallRecords open() {
    return SqliteCallRecords.open(dir.resolve("calls-" + ++files + ".db"));
  }
}
