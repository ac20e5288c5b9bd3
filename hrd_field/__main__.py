import sys

from hrd_field.app import main

sys.exit(main())
