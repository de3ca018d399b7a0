package dev.firebreak.runtime.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/** The body of an action: {@code {"runIds": ["a", "b"]}}, at most {@value #MAX_RUNS} runs. */
final class ActionBody {
  static final int MAX_RUNS = 500;
  private static final JsonFactory JSON = new JsonFactory();

  private ActionBody() {}

  static Set<String> runIds(byte[] body) {
    Set<String> ids = new LinkedHashSet<>();
    try (JsonParser p = JSON.createParser(body)) {
      expect(p.nextToken() == JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        if (!field.equals("runIds")) {
          throw new ConsoleApi.Refused(400, "an action's body has only runIds, not " + field);
        }
        expect(p.nextToken() == JsonToken.START_ARRAY);
        while (p.nextToken() == JsonToken.VALUE_STRING) {
          ids.add(p.getText());
          if (ids.size() > MAX_RUNS) {
            throw new ConsoleApi.Refused(400, "an action names at most " + MAX_RUNS + " runs");
          }
        }
        expect(p.currentToken() == JsonToken.END_ARRAY);
      }
      expect(p.currentToken() == JsonToken.END_OBJECT && p.nextToken() == null);
    } catch (IOException e) {
      throw new ConsoleApi.Refused(400, "an action's body is {\"runIds\": [\"…\"]}, in JSON");
    }
    if (ids.isEmpty()) {
      throw new ConsoleApi.Refused(400, "an action names at least one run in runIds");
    }
    return ids;
  }

  private static void expect(boolean ok) {
    if (!ok) {
      throw new ConsoleApi.Refused(400, "an action's body is {\"runIds\": [\"…\"]}, in JSON");
    }
  }
}
