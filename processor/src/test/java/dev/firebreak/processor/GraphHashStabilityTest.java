package dev.firebreak.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.JavaFileObjects;
import dev.firebreak.runtime.graph.EntryPointPlan;
import dev.firebreak.runtime.graph.WorkflowGraph;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A stored run resumes only under its plan's graph hash, so a workflow that does not change keeps
 * its hashes whatever the processor's code generation becomes. The figures below are what the
 * processor generated for the fixtures before its code generation was reshaped (3bd89ea), when each
 * entry point still had its own positional slots and lambdas.
 */
class GraphHashStabilityTest {

  @Test
  void theInvoiceWorkflowKeepsItsHashes() throws Exception {
    Map<String, String> hashes =
        hashes(
            Compiler.compile(JavaFileObjects.forResource("fixtures/invoice/Invoice.java")),
            "test.invoice.FirebreakInvoice_InvoiceWorkflow");
    assertEquals(
        Map.of(
            "(workflow)", "b7671f044a6689682a86bf20981baf8d",
            "process", "bf42717777f96283cb02a2966cdbcfd2",
            "processForResult", "12ddac8916243a30d481b28187771584",
            "validateOnly", "29e8f3589460190e4730dcc64cda5b8f"),
        hashes);
  }

  @Test
  void theShapesWorkflowKeepsItsHashes() throws Exception {
    Compilation compilation = Compiler.compile(SupportedShapesTest.shapesFixture());
    assertEquals(
        Map.of(
            "(workflow)", "e75239395767a84abb627fb25eda66a4",
            "bill", "660d41793aa74d3f29a000b98de6a5da",
            "billAsync", "3d6d3b2a2cedaba9242a02cee90ece20",
            "billAsyncForResult", "864966b0e4c4decc6b77c0e0c4a106ee",
            "billForResult", "95c12ad7c30bc737dd52170b7bbc222b",
            "parseOnly", "595cabb3f3614232e134c513def10bb8"),
        hashes(compilation, "test.shapes.FirebreakOrders"));
  }

  /** The workflow's hash and each entry point's, read from the generated {@code GRAPH}. */
  private static Map<String, String> hashes(Compilation compilation, String generated)
      throws Exception {
    assertThat(compilation).succeeded();
    ClassLoader loader =
        new GeneratedCodeRunsTest.InMemoryClassLoader(
            compilation.generatedFiles(), GraphHashStabilityTest.class.getClassLoader());
    WorkflowGraph graph = (WorkflowGraph) loader.loadClass(generated).getField("GRAPH").get(null);
    Map<String, String> hashes = new TreeMap<>();
    hashes.put("(workflow)", graph.graphHash());
    for (EntryPointPlan plan : graph.entryPoints()) {
      hashes.put(plan.name(), plan.graphHash());
    }
    return hashes;
  }
}
