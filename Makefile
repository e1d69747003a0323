# Thin wrapper for people who like make; kit.py does the work (python3 kit.py --help).
# Pass extra arguments with ARGS, e.g. make test ARGS="-k clock -x".

PYTHON ?= python3

.PHONY: lab test notebooks bench present browser

lab:
	$(PYTHON) kit.py lab $(ARGS)

test:
	$(PYTHON) kit.py test $(ARGS)

notebooks:
	$(PYTHON) kit.py notebooks $(ARGS)

bench:
	$(PYTHON) kit.py bench $(ARGS)

present:
	$(PYTHON) kit.py present $(ARGS)

browser:
	$(PYTHON) kit.py browser $(ARGS)
