"""Synthetic sample logs: the OA approval generator and its designed BPMN models."""
