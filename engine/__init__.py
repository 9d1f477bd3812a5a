"""How cases run: diagrams, execution, persistence, deadlines and history.

The engine knows nothing of Flask or of any particular case type; case types are
handed to it as objects that satisfy `engine.casetypes.CaseType`.
"""
