# notebook: vision.ipynb
# cell: conv_output_size
# loses: test_conv_output_size, test_conv_output_size_values
# why: forgets the padding in the formula
def conv_output_size(size, kernel_size, stride=1, padding=0):
    return (size - kernel_size) // stride + 1
