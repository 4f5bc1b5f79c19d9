import sys

from peerly.cli import main

sys.exit(main())
