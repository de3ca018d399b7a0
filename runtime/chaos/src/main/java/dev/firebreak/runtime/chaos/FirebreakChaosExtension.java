package dev.firebreak.runtime.chaos;

import dev.firebreak.runtime.time.ManualScheduler;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5: {@code @ExtendWith(FirebreakChaosExtension.class)} gives each test a fresh {@link Chaos}
 * and the {@link ManualScheduler} it runs on (give the same scheduler to the runtime), as method
 * parameters. Faults live and die with the test.
 */
public final class FirebreakChaosExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(FirebreakChaosExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == Chaos.class || type == ManualScheduler.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    ExtensionContext.Store store = context.getStore(NS);
    ManualScheduler clock =
        store.getOrComputeIfAbsent(
            ManualScheduler.class, k -> new ManualScheduler(), ManualScheduler.class);
    if (parameter.getParameter().getType() == ManualScheduler.class) {
      return clock;
    }
    return store.getOrComputeIfAbsent(Chaos.class, k -> Chaos.create(clock), Chaos.class);
  }
}
