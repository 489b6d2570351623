#!/usr/bin/env python
from familyhub.cli import main

if __name__ == "__main__":
    main()
