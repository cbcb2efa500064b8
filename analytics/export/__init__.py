"""Model exporters: BPMN with diagram interchange, PNML, PTML, DFG JSON, SVG, PNG, DOT."""
