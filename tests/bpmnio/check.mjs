// Parse a BPMN file with bpmn.io's parser and print what it found as JSON:
// {"warnings": [...], "flowElements": n, "shapes": n, "edges": n}
import { readFileSync } from "node:fs";
import { BpmnModdle } from "bpmn-moddle";

const xml = readFileSync(process.argv[2], "utf8");
const { rootElement, warnings } = await new BpmnModdle().fromXML(xml);
const process_ = rootElement.rootElements.find((e) => e.$type === "bpmn:Process");
const plane = rootElement.diagrams[0].plane;
const names = process_.flowElements.filter((e) => e.name).map((e) => e.name);
console.log(JSON.stringify({
  warnings: warnings.map((w) => w.message),
  flowElements: process_.flowElements.length,
  shapes: plane.planeElement.filter((e) => e.$type === "bpmndi:BPMNShape").length,
  edges: plane.planeElement.filter((e) => e.$type === "bpmndi:BPMNEdge").length,
  names,
}));
