package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.runtime.FirebreakRuntime;
import dev.firebreak.runtime.WorkflowResult;
import dev.firebreak.runtime.WorkflowStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Package-private agents, generic and qualified bindings, async steps and fallbacks, every entry
 * point form and {@code @RunId}: compiled without warnings and run on the real runtime.
 */
class SupportedShapesTest {

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

  /** The sources of the shapes fixture: one workflow with every supported shape. */
  static javax.tools.JavaFileObject[] shapesFixture() {
    return java.util.stream.Stream.of(
            "Orders",
            "Tier",
            "Line",
            "Customer",
            "Invoice",
            "Discounted",
            "Parser",
            "Pricing",
            "Enrichment",
            "Billing",
            "ShapesDriver")
        .map(name -> JavaFileObjects.forResource("fixtures/shapes/" + name + ".java"))
        .toArray(javax.tools.JavaFileObject[]::new);
  }

  @Test
  void everySupportedShapeCompilesCleanlyAndRuns() throws Exception {
    Compilation compilation = Compiler.compile(shapesFixture());
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader =
        new GeneratedCodeRunsTest.InMemoryClassLoader(
            compilation.generatedFiles(), getClass().getClassLoader());
    List<?> out;
    try (FirebreakRuntime runtime =
        FirebreakRuntime.builder().sqlite(dir.resolve("shapes.db")).build()) {
      out =
          (List<?>)
              loader
                  .loadClass("test.shapes.ShapesDriver")
                  .getMethod("run", FirebreakRuntime.class)
                  .invoke(null, runtime);
    }
    String expected =
        "Invoice[lines=[Line[sku=a, quantity=2, price=10.00], Line[sku=b, quantity=1, price=5.50]],"
            + " total=22.950, customer=Optional[Customer[id=00000000-0000-0000-0000-00000000002a, tier=GOLD]],"
            + " tags={lines=2}, note=customer]";
    assertEquals(expected, out.get(0).toString());

    WorkflowResult<?> anonymous = (WorkflowResult<?>) out.get(1);
    assertEquals("order-1", anonymous.runId());
    assertEquals(WorkflowStatus.COMPLETED_DEGRADED, anonymous.status());
    // The non-critical customer step degraded to Optional.empty(); the discount fell back to gross.
    assertEquals(
        List.of("customer", "discounted"),
        anonymous.degradedSteps().stream().map(d -> d.step()).toList());
    assertTrue(
        anonymous.output().toString().contains("total=26.50, customer=Optional.empty"),
        anonymous.output().toString());
    assertEquals(2, anonymous.attempts().get("discounted"));

    assertEquals(expected, out.get(2).toString());
    assertEquals(expected, ((WorkflowResult<?>) out.get(3)).output().toString());
    assertEquals(
        "[Line[sku=a, quantity=2, price=10.00], Line[sku=b, quantity=1, price=5.50]]",
        out.get(4).toString());
    // Calling again with a finished run's id returns that run's result: the step is not re-run.
    assertEquals(
        anonymous.output().toString(), ((WorkflowResult<?>) out.get(5)).output().toString());
  }
}
